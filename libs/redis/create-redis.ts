import IORedis, { type Cluster, type RedisOptions } from 'ioredis';
import { createCluster } from './create-cluster';

/** A connection to turnq's Redis: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type Redis = IORedis | Cluster;

/** Where Redis is: the config's two variables (a bare string is a REDIS_URL). */
export interface RedisTarget { redisUrl: string; redisClusterNodes?: string[] | null }

/**
 * `worker`: waits through outages (BullMQ requires maxRetriesPerRequest null on its connections).
 * `producer`: fails fast while Redis is down, so the gateway answers 503 instead of hanging a request.
 *
 * Neither re-sends a command that was written but not answered when the connection dropped
 * (`autoResendUnfulfilledCommands: false`): Redis may have run it already, and a second run of a
 * non-idempotent command is a duplicate (a second turn, a doubled delta). Such a command's promise
 * then never settles by itself, so every command has a bounded wait (`commandTimeout`), and the
 * session scripts — each safe to run twice — are re-run by their one caller (session-scripts-client.ts).
 * The worker's bound is above BullMQ's longest blocking wait (10 s), which it also applies to.
 */
export function createRedis(target: string | RedisTarget, role: 'worker' | 'producer' | 'subscriber', extra: RedisOptions = {}): Redis {
  const base: RedisOptions = role !== 'producer'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true, commandTimeout: 20_000 }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 5000 };
  const options: RedisOptions = { ...base, autoResendUnfulfilledCommands: false, retryStrategy: (times) => Math.min(times * 200, 2000), ...extra };
  const t = typeof target === 'string' ? { redisUrl: target } : target;
  if (!t.redisClusterNodes) return new IORedis(t.redisUrl, options);
  // SSUBSCRIBE goes to the shard that owns the channel's slot, over a connection per shard
  return createCluster(t.redisClusterNodes, options, role === 'subscriber' ? { shardedSubscribers: true } : {});
}

/** For the startup log line: which Redis this process talks to (never credentials). */
export function describeRedis(target: RedisTarget): { redisMode: 'single' | 'cluster'; redis: string } {
  if (!target.redisClusterNodes) {
    const u = new URL(target.redisUrl);
    return { redisMode: 'single', redis: `${u.protocol}//${u.host}${u.pathname}` };
  }
  return { redisMode: 'cluster', redis: target.redisClusterNodes.map((n) => n.replace(/\/\/[^@/]*@/, '//')).join(',') };
}

/** True for errors that mean "Redis is not reachable now, or did not answer in time" (→ 503 with Retry-After, not a bug). */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const m = err.message;
  return /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|LOADING|Stream isn't writeable|connect ETIMEDOUT|Reached the max retries|Command timed out|Command aborted due to connection close|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready/i.test(m);
}
