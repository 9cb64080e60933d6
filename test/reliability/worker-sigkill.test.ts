import { createRedis } from '#libs/redis';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { expectHistoryOf, expectSequential, readSse, replyFromSse, simConfig, simRequests, storedEvents, until, FAST_RECOVERY_ENV } from '../support';

/**
 * Invariants 2 and 3 under SIGKILL: a worker killed in the middle of its LLM call leaves a job whose
 * lock expires; the stalled-job check hands it to the restarted worker, the stage cursor re-enters the
 * right stage, and the fenced commit adds the turn's two messages exactly once.
 */
describe('a worker killed with SIGKILL mid-turn', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const redis = createRedis(process.env.REDIS_URL!, 'worker');

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: {
        ...FAST_RECOVERY_ENV,
        // small enough that a few turns call for a summary (the summary test starts its worker)
        TURNQ_MAX_CONTEXT_TOKENS: '600', TURNQ_SUMMARY_KEEP_MESSAGES: '2', TURNQ_MAX_REPLY_TOKENS: '80',
      },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });
  afterEach(async () => { await simConfig(stack, { latencyMs: 0, tokensPerSecond: 0 }); });

  it('the intent stage: the turn is classified again after a restart, completes once, and the next turn follows', async () => {
    await simConfig(stack, { latencyMs: 3000 });
    const s = await api.session();
    // no keyword matches: the intent worker has to ask the model, and is killed while it waits
    const first = (await api.submit(s.id, 'zebra quantum marmalade')).json;
    const second = (await api.submit(s.id, 'hello again')).json;
    await until('a classification request in flight', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'classify' && r.outcome === 'pending'));

    const [worker] = stack.of('intent-worker');
    await stack.kill(worker, 'SIGKILL');
    await until('the killed request to be seen as aborted', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'classify' && r.outcome === 'aborted'));
    await simConfig(stack, { latencyMs: 0 });
    await stack.restart(worker);

    const ended = [await api.waitTurn(first.turnId, 30_000), await api.waitTurn(second.turnId, 30_000)];
    expect(ended.map((t) => t.status)).toEqual(['completed', 'completed']);
    expect(ended[0].intent.method).toBe('llm');
    expectSequential(ended);
    expectHistoryOf(await api.messages(s.id), ended);
    const session = (await api.http('GET', `/v1/sessions/${s.id}`)).json;
    // one stateHistory entry per change of state at most: the re-run did not record the intent twice
    expect(new Set(session.stateHistory.map((h: { turnId: string }) => h.turnId)).size).toBe(session.stateHistory.length);
    expect(session.messageCount).toBe(4);
  }, 60_000);

  it('the response stage: the reply restarts from the beginning on the SSE stream and is committed once', async () => {
    await simConfig(stack, { tokensPerSecond: 15 });
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about message queues.')).json;
    const next = (await api.submit(s.id, 'thanks, bye')).json;
    await until('the reply to be streaming', async () =>
      (await storedEvents(redis, stack.namespace, turn.turnId)).some((e) => e.type === 'delta'), 20_000);

    const [worker] = stack.of('response-worker');
    await stack.kill(worker, 'SIGKILL');
    const partial = (await storedEvents(redis, stack.namespace, turn.turnId)).filter((e) => e.type === 'delta').map((e) => JSON.parse(e.data).text).join('');
    await simConfig(stack, { tokensPerSecond: 0 });
    await stack.restart(worker);

    const ended = [await api.waitTurn(turn.turnId, 30_000), await api.waitTurn(next.turnId, 30_000)];
    expect(ended.map((t) => t.status)).toEqual(['completed', 'completed']);
    expectSequential(ended);
    expectHistoryOf(await api.messages(s.id), ended);

    const events = await readSse(stack.baseUrl, turn.turnId);
    const restart = events.findIndex((e) => e.event === 'status' && e.data.restarted === true);
    expect(restart).toBeGreaterThan(events.findIndex((e) => e.event === 'delta'));
    expect(replyFromSse(events)).toBe(ended[0].response);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(ended[0].response.length);
    expect(ended[0].response.startsWith(partial)).toBe(true);
  }, 60_000);

  it('the summary stage: a summary cut off by the kill is folded by the restarted worker, without a gap', async () => {
    const s = await api.session();
    const ended = [];
    const long = ' Please cover producers, consumers, acknowledgements, retries with backoff, dead letters, ordering and idempotency, with examples for each.'.repeat(3);
    for (const c of ['hello', 'How do message queues work?', 'Explain retries with backoff.', 'Tell me a long story about queues.']) {
      ended.push((await api.submit(s.id, c + long, '?wait=20')).json);
    }
    expect(ended.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    await simConfig(stack, { latencyMs: 3000 });
    const worker = await stack.start('summary-worker');
    await until('a summary request in flight', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'summarize' && r.outcome === 'pending'), 20_000);
    await stack.kill(worker, 'SIGKILL');
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json.summary).toBeNull();
    await simConfig(stack, { latencyMs: 0 });
    await stack.restart(worker);

    const session = await until('the summary to be stored', async () => {
      const r = (await api.http('GET', `/v1/sessions/${s.id}`)).json;
      return r.summary !== null && r;
    }, 30_000);
    const msgs = await api.messages(s.id);
    expect(msgs).toHaveLength(8);
    // invariant 6: exactly the messages the stored summary covers are marked summarized
    expect(msgs.map((m) => m.summarized)).toEqual(msgs.map((_, i) => i < session.summary.coversMessages));
    expect((await api.submit(s.id, 'thanks, bye', '?wait=20')).json.status).toBe('completed');
  }, 60_000);
});
