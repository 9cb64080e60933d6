import type { Redis } from './create-redis';

/**
 * Now on the clock of the Redis that owns `key` (ms): the clock the session scripts stamp that key's
 * slot with. A bare TIME on a cluster goes to a random node — another machine's clock, and a node that
 * may be the one failing over — so it is asked through a one-line script keyed on `key`, which routes
 * to the slot's master.
 */
export async function serverTimeMs(redis: Redis, key: string): Promise<number> {
  const [sec, micro] = (await redis.eval("return redis.call('TIME')", 1, key) as string[]).map(Number);
  return sec * 1000 + Math.floor(micro / 1000);
}
