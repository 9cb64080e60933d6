import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { simConfig, simRequests, storedEvents, until } from '../support';

/**
 * A response the fence refuses is logged, once, as a warning that carries the turn's id and says what
 * was refused (issue 11, README "Reliability"): the session is deleted while the response stage runs,
 * once before the first delta (the whole reply goes with the commit, which is refused) and once
 * mid-stream (the next delta is refused). At LOG_LEVEL=info neither line carries prompt or reply text.
 */
describe('a refused commit or delta', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const redis = new Redis(process.env.REDIS_URL!);
  const marker = 'vermilion-okapi-5521';

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: { LOG_LEVEL: 'info', LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0' },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });

  /** The response worker's JSON log lines whose message starts with `prefix`. */
  function refusals(prefix: string): Array<Record<string, unknown>> {
    return readFileSync(join(stack.logDir, 'response-worker-0.log'), 'utf8').split('\n')
      .filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith(prefix));
  }

  /** Submits a keyword-intent turn (no classify call) and waits until its reply is being asked for. */
  async function respondingTurn(): Promise<{ sessionId: string; turnId: string }> {
    const s = await api.session();
    const before = (await simRequests(stack)).filter((r) => r.kind === 'chat').length;
    const t = await api.submit(s.id, `hello ${marker}`);
    expect(t.status).toBe(202);
    await until('the response stage to call the model', async () => (await simRequests(stack)).filter((r) => r.kind === 'chat').length > before, 30_000);
    return { sessionId: s.id, turnId: t.json.turnId };
  }

  it('logs a refused commit with the turn id and no reply text', async () => {
    // the whole reply arrives after 3 s at once: no delta is written before the commit
    await simConfig(stack, { latencyMs: 3000, tokensPerSecond: 0 });
    const { sessionId, turnId } = await respondingTurn();
    expect((await api.http('DELETE', `/v1/sessions/${sessionId}`)).status).toBe(204);

    const [line] = await until('the commit refusal to be logged', () => {
      const found = refusals('commit refused').filter((l) => l.turnId === turnId);
      return found.length ? found : null;
    }, 30_000);
    expect(line).toMatchObject({ level: 40, turnId, sessionId, service: 'response-worker' });
    expect(refusals('delta refused').filter((l) => l.turnId === turnId)).toEqual([]);
    // only identifiers and counters: no field could carry prompt or reply text
    expect(Object.keys(line).sort()).toEqual(['attempt', 'jobId', 'level', 'msg', 'name', 'pid', 'service', 'sessionId', 'time', 'turnId']);
    expect(JSON.stringify(line)).not.toContain(marker);
  }, 60_000);

  it('logs a refused delta with the turn id and no reply text', async () => {
    // a slow stream: the session is deleted once the first piece of the reply is stored
    await simConfig(stack, { latencyMs: 0, tokensPerSecond: 4 });
    const { sessionId, turnId } = await respondingTurn();
    const streamed = await until('a delta to be stored', async () => {
      const deltas = (await storedEvents(redis, stack.namespace, turnId)).filter((e) => e.type === 'delta');
      return deltas.length ? deltas : null;
    }, 30_000);
    expect((await api.http('DELETE', `/v1/sessions/${sessionId}`)).status).toBe(204);

    const [line] = await until('the delta refusal to be logged', () => {
      const found = refusals('delta refused').filter((l) => l.turnId === turnId);
      return found.length ? found : null;
    }, 30_000);
    expect(line).toMatchObject({ level: 40, turnId, sessionId, service: 'response-worker' });
    expect(line.eventId).toBeGreaterThan(streamed.length);
    expect(Object.keys(line).sort()).toEqual(['attempt', 'eventId', 'jobId', 'level', 'msg', 'name', 'pid', 'service', 'sessionId', 'time', 'turnId']);
    // the stage stopped there: no commit was tried after the refused delta
    expect(refusals('commit refused').filter((l) => l.turnId === turnId)).toEqual([]);
    const text = JSON.stringify(line);
    expect(text).not.toContain(marker);
    for (const d of streamed) expect(text).not.toContain((JSON.parse(d.data) as { text: string }).text);
  }, 60_000);
});
