import Redis, { type RedisOptions } from 'ioredis';

export type { Redis };

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
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const base: RedisOptions = role === 'worker'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true, commandTimeout: 20_000 }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 5000 };
  return new Redis(url, { ...base, autoResendUnfulfilledCommands: false, retryStrategy: (times) => Math.min(times * 200, 2000), ...extra });
}

/** True for errors that mean "Redis is not reachable now, or did not answer in time" (→ 503 with Retry-After, not a bug). */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const m = err.message;
  return /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|LOADING|Stream isn't writeable|connect ETIMEDOUT|Reached the max retries|Command timed out/i.test(m);
}
