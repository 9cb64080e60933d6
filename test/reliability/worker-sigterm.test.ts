import { createRedis } from '#libs/redis';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { allLogs, exited, expectHistoryOf, readSse, replyFromSse, simConfig, storedEvents, until } from '../support';

/**
 * SIGTERM drains a worker: it stops taking jobs, lets the running ones finish within
 * TURNQ_SHUTDOWN_GRACE_MS and exits 0; a turn still running when the grace period is over is handed
 * back (it ends on another worker, exactly once) and the process still exits 0 on time.
 */
describe('a worker stopped with SIGTERM', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const redis = createRedis(process.env.REDIS_URL!, 'worker');
  const streaming = (turnId: string) => until(`turn ${turnId} to be streaming`, async () =>
    (await storedEvents(redis, stack.namespace, turnId)).some((e) => e.type === 'delta'), 20_000);

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 0, 'summary-worker': 0 },
      env: {
        LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_SHUTDOWN_GRACE_MS: '20000',
        TURNQ_LOCK_DURATION_MS: '1000', TURNQ_STALLED_INTERVAL_MS: '500', TURNQ_JOB_BACKOFF_MS: '100',
        TURNQ_RECONCILE_INTERVAL_MS: '200', TURNQ_RECONCILE_AFTER_MS: '1000',
      },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });
  afterEach(async () => {
    await Promise.all(stack.of('response-worker').map((p) => stack.kill(p, 'SIGKILL')));
    await simConfig(stack, { tokensPerSecond: 0 });
  });

  it('finishes the turn in flight, takes no new job while draining, and exits 0', async () => {
    const worker = await stack.start('response-worker');
    await simConfig(stack, { tokensPerSecond: 40 });
    const a = await api.session();
    const inFlight = (await api.submit(a.id, 'Tell me a long story about message queues.')).json;
    await streaming(inFlight.turnId);

    const exit = exited(worker);
    let gone = false;
    void exit.then(() => { gone = true; });
    const t0 = Date.now();
    worker.child.kill('SIGTERM');
    const b = await api.session();
    const arrived = (await api.submit(b.id, 'hello there')).json;
    await until('the new turn to reach the response stage', async () =>
      (await api.http('GET', `/v1/turns/${arrived.turnId}`)).json.stage === 'response');
    expect(gone).toBe(false); // the new job was waiting while the worker was still draining

    expect(await exit).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
    // no other response worker exists: the in-flight turn was finished by the draining one
    const done = (await api.http('GET', `/v1/turns/${inFlight.turnId}`)).json;
    expect(done.status).toBe('completed');
    expect(replyFromSse(await readSse(stack.baseUrl, inFlight.turnId))).toBe(done.response);
    expect((await storedEvents(redis, stack.namespace, arrived.turnId)).map((e) => e.type)).not.toContain('delta');
    expect((await api.http('GET', `/v1/turns/${arrived.turnId}`)).json.status).toBe('running');

    await stack.start('response-worker');
    const later = await api.waitTurn(arrived.turnId, 20_000);
    expect(later.status).toBe('completed');
    expectHistoryOf(await api.messages(a.id), [done]);
    expectHistoryOf(await api.messages(b.id), [later]);
  }, 60_000);

  it('hands back a turn still running when the grace period ends, exits 0 on time, and the turn ends once elsewhere', async () => {
    const worker = await stack.start('response-worker', { TURNQ_SHUTDOWN_GRACE_MS: '500' });
    await simConfig(stack, { tokensPerSecond: 5 });
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about message queues.')).json;
    await streaming(turn.turnId);

    const t0 = Date.now();
    const code = await stack.kill(worker, 'SIGTERM');
    const tookMs = Date.now() - t0;
    expect(code).toBe(0);
    // the grace period plus closing connections, with room for a busy box; the reply alone would take minutes at 5 tokens/s
    expect(tookMs).toBeLessThan(500 + 10_000);
    expect((await api.http('GET', `/v1/turns/${turn.turnId}`)).json.status).toBe('running');
    expect(allLogs(stack)).toContain('job handed back');

    await simConfig(stack, { tokensPerSecond: 0 });
    await stack.start('response-worker');
    const done = await api.waitTurn(turn.turnId, 20_000);
    expect(done.status).toBe('completed');
    expectHistoryOf(await api.messages(s.id), [done]);
    const events = await readSse(stack.baseUrl, turn.turnId);
    expect(events.some((e) => e.event === 'status' && e.data.restarted === true)).toBe(true);
    expect(replyFromSse(events)).toBe(done.response);
  }, 60_000);
});
