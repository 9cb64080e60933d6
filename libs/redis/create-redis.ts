import Redis, { type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * `worker`: waits through outages (BullMQ requires maxRetriesPerRequest null on its connections).
 * `producer`: fails fast while Redis is down, so the gateway answers 503 instead of hanging a request.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const base: RedisOptions = role === 'worker'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return new Redis(url, { ...base, retryStrategy: (times) => Math.min(times * 200, 2000), ...extra });
}

/** True for errors that mean "Redis is not reachable now" (→ 503 with Retry-After, not a bug). */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const m = err.message;
  return /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|LOADING|Stream isn't writeable|connect ETIMEDOUT|Reached the max retries/i.test(m);
}
