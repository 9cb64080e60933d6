import Redis from 'ioredis';
import { createQueues, type TurnStage } from '#libs/queue';
import { partitionTag } from '#libs/session';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { simConfig, storedEvents, until } from '../support';

const HOUR_MS = 3600_000;

/**
 * Nothing grows without bound: a completed turn job is removed as it completes (its turn's state lives
 * in the session), a failed one after 7 days — BullMQ applies that age when the next job of the queue
 * fails, so the test ages the failed set's scores instead of waiting — and a session that expires
 * (TURNQ_SESSION_TTL_SECONDS) leaves none of its keys behind: failed job records are kept no longer
 * than the session TTL either.
 */
describe.each([
  ['job retention', '0'], // sessions kept forever: the jobs' own ages apply
  ['session expiry', '3'],
])('retention: %s', (part, ttl) => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const redis = new Redis(process.env.REDIS_URL!);
  const key = (queue: string, rest: string) => `${partitionTag(stack.namespace, 0)}:${queue}:${rest}`;
  const jobKey = (queue: string, turnId: string) => key(queue, `turn-${turnId}`);
  /** Pretends the job finished `ms` ago: the finished set's score is what BullMQ's age check reads. */
  const age = (queue: string, set: 'completed' | 'failed', turnId: string, ms: number) =>
    redis.zadd(key(queue, set), 'XX', Date.now() - ms, `turn-${turnId}`);

  beforeAll(async () => {
    stack = await startStack({
      // memory is on (the default), so a turn of a session with a user adds a memory job: without its
      // worker that job would wait forever, a record of the session's turn that no retention can touch
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0, 'memory-worker': 1 },
      env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_JOB_ATTEMPTS: '1', TURNQ_SESSION_TTL_SECONDS: ttl },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });
  afterEach(async () => { await simConfig(stack, { failRate: 0, latencyMs: 0 }); });

  /** A job's record disappears when BullMQ finishes it (just after the stage's commit); a failed one would stay. */
  const finished = (q: TurnStage, turnId: string) => until(`the ${q} job to be finished and removed`, async () =>
    (await redis.exists(jobKey(q, turnId))) === 0);

  const jobs = part === 'job retention' ? it : it.skip;
  const expiry = part === 'session expiry' ? it : it.skip;

  jobs('keeps no record of a completed turn job: it is removed as it completes', async () => {
    const t = (await api.submit((await api.session()).id, 'hello', '?wait=20')).json;
    expect(t.status).toBe('completed');
    await finished('response', t.turnId);
    expect(await redis.exists(jobKey('intent', t.turnId), jobKey('response', t.turnId))).toBe(0);
    expect([await redis.zcard(key('intent', 'completed')), await redis.zcard(key('response', 'completed'))]).toEqual([0, 0]);
    // the turn itself is whole: its state was never the job's
    expect((await api.http('GET', `/v1/turns/${t.turnId}`)).json).toEqual(t);
  });

  jobs('a turn job re-added after its completed record is gone runs no stage twice', async () => {
    const queues = createQueues({ connection: redis, namespace: stack.namespace, partitions: 1, attempts: 1, backoffMs: 100 });
    /** Times BullMQ completed a job under this id (its events stream, which is bounded but not empty). */
    const completions = async (q: TurnStage, turnId: string) => (await redis.xrange(key(q, 'events'), '-', '+'))
      .filter(([, f]) => f[1] === 'completed' && f[3] === `turn-${turnId}`).length;
    /** A later add under the same id (reconciler, hand-off) after the completed record is gone: it runs and completes again. */
    const readd = async (q: TurnStage, ref: { sessionId: string; seq: number; turnId: string; partition: number }) => {
      expect(await redis.exists(jobKey(q, ref.turnId))).toBe(0);
      const before = await completions(q, ref.turnId);
      await queues.addTurn(q, ref);
      await until(`the re-added ${q} job to complete`, async () => (await completions(q, ref.turnId)) === before + 1);
      await finished(q, ref.turnId);
    };
    try {
      await simConfig(stack, { latencyMs: 1500 });
      const s = await api.session();
      const queued = (await api.submit(s.id, 'hello')).json;
      const ref = { sessionId: s.id, seq: queued.seq, turnId: queued.turnId, partition: 0 };
      await until('the response stage to run', async () => (await storedEvents(redis, stack.namespace, ref.turnId))
        .some((e) => e.type === 'status' && JSON.parse(e.data).stage === 'response'));
      await finished('intent', ref.turnId);
      await readd('intent', ref); // while the reply is being generated: it only finds the response job there
      await simConfig(stack, { latencyMs: 0 });
      const done = await api.waitTurn(ref.turnId, 20_000);
      expect(done.status).toBe('completed');
      await finished('response', ref.turnId);
      await readd('intent', ref); // after the turn ended: both stages are fenced off
      await readd('response', ref);

      const events = await storedEvents(redis, stack.namespace, ref.turnId);
      expect(events.filter((e) => e.type === 'status' && JSON.parse(e.data).restarted === true)).toEqual([]);
      expect(events.filter((e) => e.type === 'done').map((e) => e.id)).toEqual([events.length]);
      expect((await api.messages(s.id)).map((m: { turnId: string; role: string }) => `${m.turnId}/${m.role}`))
        .toEqual([`${ref.turnId}/user`, `${ref.turnId}/assistant`]);
      expect((await api.http('GET', `/v1/turns/${ref.turnId}`)).json).toEqual(done);
    } finally {
      await queues.close();
    }
  });

  jobs('removes a failed job older than 7 days once the next job of its queue fails', async () => {
    await simConfig(stack, { failRate: 1 });
    const fail = async () => {
      const t = (await api.submit((await api.session()).id, 'hello', '?wait=20')).json;
      expect(t.status).toBe('failed');
      await until('the job to be in the failed set', async () => (await redis.zscore(key('response', 'failed'), `turn-${t.turnId}`)) !== null);
      return t.turnId as string;
    };
    const old = await fail();
    const recent = await fail();
    await age('response', 'failed', old, 8 * 24 * HOUR_MS);
    await age('response', 'failed', recent, 6 * 24 * HOUR_MS);
    await fail();
    expect(await redis.exists(jobKey('response', old))).toBe(0);
    expect(await redis.exists(jobKey('response', recent))).toBe(1);
  });

  expiry('leaves no key of an expired session behind, its job records included', async () => {
    const s = await api.session({ userId: 'u', systemPrompt: 'brief', metadata: { a: 'b' } });
    const first = (await api.submit(s.id, 'hello', '?wait=20', { 'idempotency-key': 'k' })).json;
    expect(first.status).toBe('completed');
    await simConfig(stack, { latencyMs: 1500 });
    const running = (await api.submit(s.id, 'thanks, bye')).json; // the state changes: a stateHistory entry
    const queued = (await api.submit(s.id, 'one more')).json;
    expect((await api.http('DELETE', `/v1/turns/${queued.turnId}`)).status).toBe(200);
    await simConfig(stack, { latencyMs: 0 });
    const ended = await api.waitTurn(running.turnId, 20_000);
    expect(ended.status).toBe('completed');
    const body = s.id.slice(4); // every key of the session, its turns and their events carries this
    const scan = async () => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `*${body}*`, 'COUNT', 1000);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found;
    };
    expect((await scan()).length).toBeGreaterThan(5);

    await until('the session to expire', async () => (await api.http('GET', `/v1/sessions/${s.id}`)).status === 404, 15_000, 250);
    // completed jobs were removed as they completed — the turns' memory jobs too, run by the memory
    // worker (the memories they wrote are the user's, under keys that name the user, not the session) —
    // so nothing of the session is left at all
    await until('its keys to be gone', async () => (await scan()).length === 0, 15_000, 100);
    expect(await redis.zscore(`${partitionTag(stack.namespace, 0)}:inflight`, s.id)).toBeNull();
  }, 60_000);
});
