import type { Redis } from '#libs/redis';
import { partitionTag } from './session-keys';

/** Where a namespace records the partition count its data was written with. */
export const partitionsKey = (namespace: string): string => `${partitionTag(namespace, 0)}:partitions`;

/**
 * A session's partition is hash(id) mod TURNQ_PARTITIONS, and every key and queue of the session carries
 * that partition's tag: with another count, existing sessions would be looked up under the wrong tag
 * (404s) and their queued turns never run. So the first process of a namespace records the count, and a
 * process started with a different one refuses to start, saying what to do.
 */
export async function checkPartitions(redis: Redis, namespace: string, partitions: number): Promise<void> {
  const key = partitionsKey(namespace);
  await redis.set(key, String(partitions), 'NX');
  const stored = Number(await redis.get(key));
  if (stored !== partitions) {
    throw new PartitionCountError(
      `TURNQ_PARTITIONS=${partitions}, but namespace "${namespace}" holds data written with ${stored} partitions: `
      + `sessions are placed by hash mod the partition count, so changing it would orphan them. Start with `
      + `TURNQ_PARTITIONS=${stored}, or use a new TURNQ_NAMESPACE, or — once no session of the old layout is `
      + `needed — delete the key ${key}.`,
    );
  }
}

export class PartitionCountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartitionCountError';
  }
}
