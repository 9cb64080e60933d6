import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { clearSimRequests, expectHistoryOf, readSse, replyFromSse, simConfig, simRequests, until, type SimRequest } from '../support';

const ATTEMPTS = 4;
const BACKOFF_MS = 250;

/**
 * The model misbehaving, driven by the simulator's fault knobs: BullMQ is the only retry layer
 * (exponential backoff, 429 without using an attempt), a turn that runs out of attempts fails cleanly
 * with error.code and its session goes on (invariant 4), a broken stream is never committed half-way,
 * and a classification that is not valid JSON becomes `fallback`.
 */
describe('LLM faults', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const chatsFor = (reqs: SimRequest[], input: string) =>
    reqs.filter((r) => r.kind === 'chat' && r.messages[r.messages.length - 1]?.content === input);
  const gaps = (reqs: SimRequest[]) => reqs.slice(1).map((r, i) => Date.parse(r.at) - Date.parse(reqs[i].at));

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 2, 'summary-worker': 0 },
      env: {
        // a model call budget a busy 2-core box always meets; the timeout test's model is far slower still
        LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_LLM_TIMEOUT_MS: '3000',
        TURNQ_JOB_ATTEMPTS: String(ATTEMPTS), TURNQ_JOB_BACKOFF_MS: String(BACKOFF_MS),
        TURNQ_LOCK_DURATION_MS: '5000', TURNQ_STALLED_INTERVAL_MS: '2000',
      },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });
  beforeEach(async () => { await clearSimRequests(stack); });
  afterEach(async () => {
    await simConfig(stack, { latencyMs: 0, tokensPerSecond: 0, failRate: 0, rateLimitRate: 0, breakRate: 0, badJsonRate: 0 });
  });

  it('honours a 429 on every worker: the queue pauses for its Retry-After, and retries use no attempt', async () => {
    await simConfig(stack, { rateLimitRate: 1 });
    const inputs = ['hello', 'hello there'];
    const sessions = [await api.session(), await api.session()];
    const turns = await Promise.all(sessions.map(async (s, i) => (await api.submit(s.id, inputs[i])).json));
    const limited = await until('more 429s than there are attempts, for both turns', async () => {
      const reqs = await simRequests(stack);
      return inputs.every((input) => chatsFor(reqs, input).length >= ATTEMPTS + 2) && reqs.filter((r) => r.kind === 'chat');
    }, 60_000);
    for (const t of turns) expect((await api.http('GET', `/v1/turns/${t.turnId}`)).json.status).toBe('running');
    await simConfig(stack, { rateLimitRate: 0 });

    const done = await Promise.all(turns.map((t) => api.waitTurn(t.turnId, 60_000)));
    expect(done.map((t) => t.status)).toEqual(['completed', 'completed']);
    expect(limited.every((r) => r.outcome === 'rate_limited')).toBe(true);
    // The simulator asks for 200 ms (retry-after-ms). Two turns are in flight on two worker processes,
    // so two calls may start together — but never a third before the pause is over.
    const at = limited.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    for (let i = 2; i < at.length; i++) expect(at[i] - at[i - 2]).toBeGreaterThanOrEqual(190);
    for (const [i, s] of sessions.entries()) expectHistoryOf(await api.messages(s.id), [done[i]]);
  }, 150_000);

  it('retries a 500 with exponential backoff, then fails the turn with llm_server, and the next turn runs', async () => {
    await simConfig(stack, { failRate: 1 });
    const s = await api.session();
    const failing = (await api.submit(s.id, 'hello')).json;
    const next = (await api.submit(s.id, 'hello again')).json;
    const failed = await until('the first turn to fail', async () => {
      const t = (await api.http('GET', `/v1/turns/${failing.turnId}`)).json;
      return t.status === 'failed' && t;
    }, 60_000, 20);
    await simConfig(stack, { failRate: 0 });

    expect(failed.error.code).toBe('llm_server');
    expect(failed.response).toBeNull();
    const tries = chatsFor(await simRequests(stack), 'hello');
    expect(tries.map((r) => r.outcome)).toEqual(Array(ATTEMPTS).fill('failed'));
    const waited = gaps(tries);
    waited.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(BACKOFF_MS * 2 ** i));
    expect(waited[2]).toBeGreaterThan(waited[0] * 2);

    const done = await api.waitTurn(next.turnId, 60_000);
    expect(done.status).toBe('completed');
    expectHistoryOf(await api.messages(s.id), [done]); // the failed turn added no message
  }, 120_000);

  it('retries a model that does not answer in time, then fails the turn with llm_timeout', async () => {
    await simConfig(stack, { latencyMs: 60_000 });
    const s = await api.session();
    const turn = (await api.submit(s.id, 'hello')).json;
    const failed = await api.waitTurn(turn.turnId, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('llm_timeout');
    const tries = await until('the simulator to see every attempt end', async () => {
      const chats = chatsFor(await simRequests(stack), 'hello');
      return chats.every((r) => r.outcome !== 'pending') && chats;
    });
    expect(tries.map((r) => r.outcome)).toEqual(Array(ATTEMPTS).fill('aborted'));
    expect(await api.messages(s.id)).toEqual([]);
  }, 120_000);

  it('never commits a stream that broke halfway: the retry starts over and SSE clients see the restart', async () => {
    await simConfig(stack, { breakRate: 1, tokensPerSecond: 200 });
    const s = await api.session();
    const input = 'Tell me a long story about queues.';
    const turn = (await api.submit(s.id, input)).json;
    await until('a stream to break', async () => chatsFor(await simRequests(stack), input).some((r) => r.outcome === 'broken'));
    await simConfig(stack, { breakRate: 0 });

    const done = await api.waitTurn(turn.turnId, 60_000);
    expect(done.status).toBe('completed');
    expectHistoryOf(await api.messages(s.id), [done]);
    const events = await readSse(stack.baseUrl, turn.turnId);
    const restart = events.findIndex((e) => e.event === 'status' && e.data.restarted === true);
    const beforeRestart = events.slice(0, restart).filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(beforeRestart.length).toBeGreaterThan(0);
    expect(beforeRestart.length).toBeLessThan(done.response.length);
    expect(done.response.startsWith(beforeRestart)).toBe(true);
    expect(replyFromSse(events)).toBe(done.response);
  }, 120_000);

  it('records a classification that is not valid JSON as unknown / fallback and completes the turn', async () => {
    await simConfig(stack, { badJsonRate: 1 });
    const s = await api.session();
    const done = (await api.submit(s.id, 'zebra quantum marmalade', '?wait=20')).json;
    expect(done.status).toBe('completed');
    expect(done.intent).toMatchObject({ label: 'unknown', method: 'fallback' });
    expect((await simRequests(stack)).filter((r) => r.kind === 'classify')).toHaveLength(1);
    const session = (await api.http('GET', `/v1/sessions/${s.id}`)).json;
    expect(session.state).toBe('greeting'); // unknown keeps the current state
    expect(session.stateHistory).toEqual([]);
  }, 120_000);
});
