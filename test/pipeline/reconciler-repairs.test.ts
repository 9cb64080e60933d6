import { createLogger } from '#libs/logger';
import { createQueues, createReconciler, turnJobId } from '#libs/queue';
import { inflightKey } from '#libs/session';
import { storeFixture } from '../store-fixture';
import { until } from '../support';

/**
 * What the reconciler repairs, driven against a real Redis and real BullMQ queues with no worker: it
 * reads every time off the Redis clock (a worker whose clock is behind repairs as soon as one whose
 * clock is right), and it releases a session still held by a turn that has ended (README, "Reliability").
 */
describe('reconciler repairs', () => {
  const f = storeFixture();
  const { redis, store, pipeline, submit, namespace } = f;
  const queues = createQueues({ connection: redis, namespace, partitions: 1, attempts: 3, backoffMs: 50 });
  const logger = createLogger('test', 'silent');
  const reconciler = createReconciler({ pipeline, queues, partitions: 1, intervalMs: 100, afterMs: 300, logger });
  const redisNow = async () => { const [s, us] = (await redis.time()).map(Number); return s * 1000 + Math.floor(us / 1000); };
  const jobOf = async (turnId: string) => queues.get('intent', 0).getJob(turnJobId(turnId));

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await queues.close();
    f.close();
  });

  it('re-adds a lost dispatch on time although this worker\'s clock is 10 minutes behind, and scores the check by the Redis clock', async () => {
    const s = await store.create('t', {});
    const { ref, dispatched } = await submit(s.id, 'hello'); // its job is never added: the dispatch was lost
    expect(dispatched).toBe(true);
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 600_000);
    await until('the reconciler to re-add the job', async () => (await reconciler.runOnce()) >= 1 && (await jobOf(ref.turnId)), 10_000, 100);
    const checkedAt = Number(await redis.zscore(inflightKey(namespace, 0), s.id));
    expect(Math.abs(checkedAt - await redisNow())).toBeLessThan(60_000); // not the skewed clock
  });

  it('releases a session whose active turn has ended and dispatches the next turn', async () => {
    const s = await store.create('t', {});
    const a = await submit(s.id, 'one');
    const b = await submit(s.id, 'two');
    // the state a commit leaves when it stops between marking its turn ended and handing the session on
    await redis.hset(store.keysOf(s.id).scriptKeys[2], `${a.ref.seq}:st`, 'completed');
    expect((await pipeline.probeActive(s.id))?.seq).toBe(a.ref.seq);
    await until('the session to be handed to the next turn', async () => {
      await reconciler.runOnce();
      return (await pipeline.probeActive(s.id))?.seq === b.ref.seq;
    }, 10_000, 100);
    expect(await jobOf(b.ref.turnId)).toBeTruthy();
    // the ended turn's stream ends too, and its list has the TTL
    expect((await store.events(a.ref.turnId, 0)).at(-1)?.type).toBe('done');
    expect(await redis.ttl(`${store.keysOf(s.id).eventPrefix}${a.ref.seq}`)).toBeGreaterThan(0);
  });
});
