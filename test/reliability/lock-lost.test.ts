import { createRedis } from '#libs/redis';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allLogs, clearSimRequests, expectHistoryOf, readSse, replyFromSse, simConfig, simRequests, storedEvents, until } from './support';

/**
 * A zombie worker: frozen (SIGSTOP) past its lock while streaming a reply, so BullMQ hands the job to
 * another worker; when it wakes (SIGCONT) its lock renewal fails, it aborts its LLM call, and nothing
 * it still tries to write — deltas or the commit — is accepted: the turn ends once, with the other
 * worker's reply.
 */
describe('a worker that loses its lock', () => {
  let stack: Stack;
  const redis = createRedis(process.env.REDIS_URL!, 'worker');

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: {
        LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '5',
        TURNQ_LOCK_DURATION_MS: '1000', TURNQ_STALLED_INTERVAL_MS: '500', TURNQ_JOB_BACKOFF_MS: '100',
        TURNQ_RECONCILE_INTERVAL_MS: '200', TURNQ_RECONCILE_AFTER_MS: '1000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    for (const p of stack?.processes ?? []) if (p.child.exitCode === null) p.child.kill('SIGCONT');
    await stack?.stop();
    redis.disconnect();
  });

  it('aborts its LLM call and its commit is refused while another worker completes the turn once', async () => {
    const api = client(stack.baseUrl);
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about queues.')).json;
    await until('the reply to be streaming', async () => (await storedEvents(redis, stack.namespace, turn.turnId)).some((e) => e.type === 'delta'));

    const [zombie] = stack.of('response-worker');
    await stack.start('response-worker');
    zombie.child.kill('SIGSTOP');
    // the frozen worker's stream (91 tokens at 5/s) is still being sent when it wakes; the retry streams at once
    await simConfig(stack, { tokensPerSecond: 0 });
    try {
      // the other worker's stalled check takes the job once the frozen worker's lock has expired
      await until('the reply to restart on the other worker', async () =>
        (await storedEvents(redis, stack.namespace, turn.turnId)).some((e) => e.type === 'status' && JSON.parse(e.data).restarted === true), 15_000);
    } finally {
      zombie.child.kill('SIGCONT');
    }
    await until('the zombie to report its lost lock', () => /lock renewal failed/.test(allLogs(stack)), 10_000);
    // its stream request ends from the client side while the simulator is still sending
    await until('the zombie\'s LLM request to be aborted', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'aborted'), 10_000);

    const done = await api.waitTurn(turn.turnId, 30_000);
    expect(done.status).toBe('completed');
    expectHistoryOf(await api.messages(s.id), [done]);
    expect(replyFromSse(await readSse(stack.baseUrl, turn.turnId))).toBe(done.response);
    const chats = (await simRequests(stack)).filter((r) => r.kind === 'chat');
    expect(chats.map((r) => r.outcome)).toEqual(['aborted', 'completed']);
    expect(zombie.child.exitCode).toBeNull(); // it lived on: the refusal came from the fence, not a crash
  }, 60_000);

  it('writes nothing when it wakes with a whole reply in hand after the turn was completed elsewhere', async () => {
    const api = client(stack.baseUrl);
    await simConfig(stack, { latencyMs: 1500, tokensPerSecond: 0 });
    await clearSimRequests(stack);
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about queues.')).json;
    await until('the reply to be requested', async () => (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'pending'));

    const [zombie] = stack.of('response-worker');
    for (const p of stack.of('response-worker').slice(1)) await stack.kill(p, 'SIGKILL');
    await stack.start('response-worker');
    zombie.child.kill('SIGSTOP');
    let done;
    try {
      await until('the frozen worker\'s reply to arrive', async () =>
        (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'completed'));
      await simConfig(stack, { latencyMs: 0 });
      done = await api.waitTurn(turn.turnId, 20_000);
    } finally {
      zombie.child.kill('SIGCONT');
    }
    const eventsBefore = await storedEvents(redis, stack.namespace, turn.turnId);
    const logFile = join(stack.logDir, `response-worker-${zombie.index}.log`);
    await until('the woken worker to give up the job', () => readFileSync(logFile, 'utf8').includes(`turn-${turn.turnId}`), 10_000);

    expect(done.status).toBe('completed');
    expect(await storedEvents(redis, stack.namespace, turn.turnId)).toEqual(eventsBefore);
    expectHistoryOf(await api.messages(s.id), [done]);
    expect(replyFromSse(await readSse(stack.baseUrl, turn.turnId))).toBe(done.response);
  }, 60_000);
});
