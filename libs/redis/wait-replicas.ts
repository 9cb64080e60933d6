import type { Redis } from './create-redis';

/**
 * Redis `WAIT replicas timeoutMs` for the writes this client made to the slot of `key`: the number of
 * replicas that acknowledged them. WAIT counts the writes of the connection it runs on, so on a cluster
 * it must reach the master that owns the slot over the connection that carried the writes: a pipeline
 * whose one keyed command (a read) names the slot goes to that node's connection — the one connection
 * per node that the cluster client sent the writes on.
 */
export async function waitReplicas(redis: Redis, key: string, replicas: number, timeoutMs: number): Promise<number> {
  if (!redis.isCluster) return Number(await redis.call('WAIT', replicas, timeoutMs));
  const replies = await redis.pipeline().exists(key).call('WAIT', replicas, timeoutMs).exec();
  const [err, acked] = replies?.[1] ?? [new Error('WAIT: no reply'), 0];
  if (err) throw err;
  return Number(acked);
}
