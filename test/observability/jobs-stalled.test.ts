import { client } from '../http-client';
import { startStack, type RunningProcess, type Stack } from '../start-stack';

const stalledLine = /^turnq_jobs_stalled_total\{[^}]*queue="response"[^}]*\} (\d+)$/m;

async function scrape(p: RunningProcess): Promise<string> {
  return (await fetch(`http://127.0.0.1:${p.metricsPort}/metrics`)).text();
}

async function until<T>(what: string, read: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * turnq_jobs_stalled_total end to end: a response worker is SIGKILLed while its job waits on the LLM,
 * the job's lock expires, and the replacement worker's stalled check moves it back to wait, counts it,
 * and then runs the turn to completion.
 */
describe('turnq_jobs_stalled_total', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { TURNQ_LOCK_DURATION_MS: '1000', TURNQ_STALLED_INTERVAL_MS: '500', LLM_SIM_LATENCY_MS: '20', LLM_SIM_TOKENS_PER_SECOND: '0' },
    });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('is counted by the worker that finds a dead worker\'s job, and the turn still completes', async () => {
    const api = client(stack.baseUrl);
    const [doomed] = stack.of('response-worker');
    await fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 10_000 }) });
    const s = await api.session();
    const submitted = await api.submit(s.id, '안녕하세요', '');
    expect(submitted.status).toBe(202);

    // The response job is active once its chat request reaches the simulator.
    await until('the reply request', async () => {
      const log = await (await fetch(`${stack.simUrl}/_sim/requests?limit=10`)).json() as { requests: Array<{ kind: string; outcome: string }> };
      return log.requests.find((r) => r.kind === 'chat' && r.outcome === 'pending');
    });
    expect(await scrape(doomed)).not.toMatch(stalledLine);
    await stack.kill(doomed, 'SIGKILL');
    await fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 20 }) });
    const successor = await stack.start('response-worker');

    const count = await until('a stalled count on the new worker', async () => stalledLine.exec(await scrape(successor))?.[1]);
    expect(Number(count)).toBe(1);
    const turn = await api.waitTurn(submitted.json.turnId, 20_000);
    expect(turn.status).toBe('completed');
    expect(await scrape(stack.of('intent-worker')[0])).not.toMatch(/^turnq_jobs_stalled_total\{/m);
  });
});
