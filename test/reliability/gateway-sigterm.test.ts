import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/** The gateway stops on SIGTERM: open SSE streams are closed, it exits 0 within its grace period. */
describe('a gateway stopped with SIGTERM', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_SHUTDOWN_GRACE_MS: '1000' } });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('closes open event streams and exits 0 on time', async () => {
    const api = client(stack.baseUrl);
    const s = await api.session();
    const t = await api.submit(s.id, 'hello', '?wait=20');
    expect(t.json.status).toBe('completed');
    // an SSE stream that stays open: its turn waits 30 s on the simulator
    const slow = await fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 30_000 }) });
    expect(slow.ok).toBe(true);
    const pending = await api.submit(s.id, 'this one waits on the model');
    const sse = await fetch(`${stack.baseUrl}/v1/turns/${pending.json.turnId}/events`);
    expect(sse.status).toBe(200);
    const body = sse.text().then(() => 'closed', () => 'closed');

    const [gateway] = stack.of('gateway');
    const started = Date.now();
    const code = await stack.kill(gateway, 'SIGTERM');
    expect(code).toBe(0);
    // the grace period, then open streams are closed (room for a busy box); without that the stream would hold it for good
    expect(Date.now() - started).toBeLessThan(1000 + 10_000);
    expect(await body).toBe('closed');
  }, 30_000);
});
