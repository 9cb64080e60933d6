import Redis from 'ioredis';
import { COMPLETED_TURN_JOBS_KEPT, createQueues, type TurnStage } from '#libs/queue';
import { partitionTag } from '#libs/session';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { simConfig, storedEvents, until } from '../support';

const HOUR_MS = 3600_000;

/**
 * Nothing grows without bound: finished BullMQ jobs are removed by age (completed after an hour,
 * failed after 7 days) and by count (1,000 completed turn jobs per queue) — BullMQ applies both when the next
 * job of the queue finishes, so the tests age the finished-set scores instead of waiting — and a
 * session that expires (TURNQ_SESSION_TTL_SECONDS) leaves none of its keys behind: job records are
 * kept no longer than the session TTL either.
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
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_JOB_ATTEMPTS: '1', TURNQ_SESSION_TTL_SECONDS: ttl },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });
  afterEach(async () => { await simConfig(stack, { failRate: 0, latencyMs: 0 }); });

  /** A turn completed and both its jobs finished (BullMQ finishes a job just after the turn's commit). */
  const completeTurn = async (content = 'hello') => {
    const t = (await api.submit((await api.session()).id, content, '?wait=20')).json;
    expect(t.status).toBe('completed');
    await until('its jobs to be in the completed sets', async () => {
      const scores = await Promise.all(['intent', 'response'].map((q) => redis.zscore(key(q, 'completed'), `turn-${t.turnId}`)));
      return scores.every((x) => x !== null);
    });
    return t.turnId as string;
  };

  const jobs = part === 'job retention' ? it : it.skip;
  const expiry = part === 'session expiry' ? it : it.skip;

  jobs('removes a completed job older than an hour once the next job of its queue completes', async () => {
    const old = await completeTurn();
    const young = await completeTurn();
    for (const q of ['intent', 'response']) expect(await redis.exists(jobKey(q, old))).toBe(1);
    await age('response', 'completed', old, HOUR_MS + 60_000);
    await age('response', 'completed', young, HOUR_MS - 60_000);

    await completeTurn();
    expect(await redis.exists(jobKey('response', old))).toBe(0);
    expect(await redis.zscore(key('response', 'completed'), `turn-${old}`)).toBeNull();
    expect(await redis.exists(jobKey('response', young))).toBe(1);
    expect(await redis.exists(jobKey('intent', old))).toBe(1); // another queue: its own next completion decides
  });

  jobs('keeps at most 1,000 completed turn jobs per queue, dropping the oldest', async () => {
    const set = key('response', 'completed');
    const base = Date.now() - 600_000;
    const filler: Array<string | number> = [];
    for (let i = 0; i < COMPLETED_TURN_JOBS_KEPT + 50; i++) filler.push(base + i, `filler-${i}`);
    await redis.zadd(set, ...filler);
    const newest = await completeTurn();
    expect(await redis.zcard(set)).toBe(COMPLETED_TURN_JOBS_KEPT);
    expect(await redis.zscore(set, 'filler-0')).toBeNull();
    expect(await redis.zscore(set, `turn-${newest}`)).not.toBeNull();
  });

  jobs('a turn job re-added after its completed record is gone runs no stage twice', async () => {
    const queues = createQueues({ connection: redis, namespace: stack.namespace, partitions: 1, attempts: 1, backoffMs: 100 });
    const completed = (q: TurnStage, turnId: string) => until(`the ${q} job to be completed`, async () =>
      (await redis.zscore(key(q, 'completed'), `turn-${turnId}`)) !== null);
    /** What a record dropped past the count and a later add under the same id (reconciler, hand-off) amount to. */
    const readd = async (q: TurnStage, ref: { sessionId: string; seq: number; turnId: string; partition: number }) => {
      await queues.get(q, 0).remove(`turn-${ref.turnId}`);
      expect(await redis.exists(jobKey(q, ref.turnId))).toBe(0);
      await queues.addTurn(q, ref);
      await completed(q, ref.turnId);
    };
    try {
      await simConfig(stack, { latencyMs: 1500 });
      const s = await api.session();
      const queued = (await api.submit(s.id, 'hello')).json;
      const ref = { sessionId: s.id, seq: queued.seq, turnId: queued.turnId, partition: 0 };
      await until('the response stage to run', async () => (await storedEvents(redis, stack.namespace, ref.turnId))
        .some((e) => e.type === 'status' && JSON.parse(e.data).stage === 'response'));
      await completed('intent', ref.turnId);
      await readd('intent', ref); // while the reply is being generated: it only finds the response job there
      await simConfig(stack, { latencyMs: 0 });
      const done = await api.waitTurn(ref.turnId, 20_000);
      expect(done.status).toBe('completed');
      await completed('response', ref.turnId);
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
    await until('its own keys to be gone', async () => (await scan()).every((k) => isJobRecord(k)), 5_000, 100);
    expect(await redis.zscore(`${partitionTag(stack.namespace, 0)}:inflight`, s.id)).toBeNull();
    // BullMQ drops job records past their age (capped at the session TTL) when the next job of the queue finishes
    await completeTurn('another session');
    expect(await scan()).toEqual([]);
  }, 60_000);

  function isJobRecord(k: string): boolean {
    return new RegExp(`^\\{${stack.namespace}-0\\}:(intent|response):turn-trn_[0-9A-Za-z]{20}_\\d+$`).test(k);
  }
});
