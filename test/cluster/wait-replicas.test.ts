import IORedis from 'ioredis';
import { waitReplicas, type Redis, type SpawnedCluster } from '#libs/redis';
import { createSessionStore } from '#libs/session';
import { confirmReplicated } from '../../services/gateway/confirm-replicated';
import { HttpProblem } from '../../services/gateway/http-problem';
import { clusterClient, slotOf, startCluster } from '../start-cluster';

/**
 * TURNQ_WAIT_REPLICAS on a real cluster: WAIT reaches the master that owns the session's slot over the
 * connection that carried the writes, counts its replica, and a replica that cannot acknowledge (its
 * process stopped with SIGSTOP) turns into a 503 with Retry-After.
 */
describe('WAIT for replicas on a Redis Cluster', () => {
  let cluster: SpawnedCluster;
  let redis: Redis;
  beforeAll(async () => {
    cluster = await startCluster();
    redis = clusterClient(cluster, 'producer');
    await new Promise((r) => redis.once('ready', r));
  }, 300_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('confirms a session write on its master, and refuses with 503 when the replica does not answer', async () => {
    const store = createSessionStore({ redis, namespace: 'w', partitions: 12, ttlSeconds: 60 });
    const session = await store.create('t', {});
    const key = store.keysOf(session.id).scriptKeys[0];
    // a confirmation waits as long as the gateway may (4 s): on a busy box a replica can take more than
    // 300 ms to acknowledge; the refusal below needs no more than a short wait on a stopped replica
    await confirmReplicated({ redis, store, waitReplicas: { count: 1, timeoutMs: 4000 } }, session.id);
    expect(await waitReplicas(redis, key, 1, 4000)).toBe(1);
    const deps = { redis, store, waitReplicas: { count: 1, timeoutMs: 300 } };

    const master = await cluster.masterOf(await slotOf(cluster, key));
    const probe = new IORedis(master.port, '127.0.0.1');
    const replicaPort = Number(/slave0:ip=[^,]+,port=(\d+)/.exec(await probe.info('replication'))?.[1]);
    probe.disconnect();
    const replica = cluster.nodes.find((n) => n.port === replicaPort)!;
    replica.process.kill('SIGSTOP');
    try {
      await store.submit('t', session.id, { content: 'hello', maxPending: 10 });
      const refused = await confirmReplicated(deps, session.id).then(() => null, (err: unknown) => err);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect((refused as HttpProblem).status).toBe(503);
      expect((refused as HttpProblem).headers['Retry-After']).toBeDefined();
    } finally {
      replica.process.kill('SIGCONT');
    }
    // once the replica runs again it catches up and the same write is confirmed
    expect(await waitReplicas(redis, key, 1, 3000)).toBe(1);
  }, 120_000);
});
