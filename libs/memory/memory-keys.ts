import { createHash } from 'node:crypto';
import { partitionOf, partitionTag } from '#libs/session';

/**
 * A user's memory lives in the user's own partition: tenant + userId pick the hash tag, as a session id
 * does for a session, so every memory script touches one Redis Cluster slot. The key segment is a hash
 * of tenant and userId: another tenant's same userId is another user, and a userId may hold any
 * character without reaching into the key syntax.
 */
export interface MemoryKeys {
  partition: number;
  /** The order every memory script expects in KEYS (see memory-scripts.ts). */
  scriptKeys: [string, string, string, string, string, string, string, string];
}

export function userHash(tenant: string, userId: string): string {
  return createHash('sha256').update(`${tenant}\u0000${userId}`).digest('hex').slice(0, 32);
}

export function memoryKeys(namespace: string, partitions: number, tenant: string, userId: string): MemoryKeys {
  const uh = userHash(tenant, userId);
  const partition = partitionOf(`user:${uh}`, partitions);
  const base = `${partitionTag(namespace, partition)}:`;
  return {
    partition,
    scriptKeys: [
      `${base}mx:${uh}`, // 1 meta hash: ver (rises with every change of content), seq (creation order)
      `${base}mm:${uh}`, // 2 records: memory id -> JSON {t text, k kind, ca, ua, src turn, sup [{t, u}]}
      `${base}mv:${uh}`, // 3 vectors: memory id -> float32 bytes
      `${base}mo:${uh}`, // 4 creation order: memory id scored by seq (listing, paging)
      `${base}mu:${uh}`, // 5 last use: memory id scored by ms last placed in a prompt or written, kept strictly rising per user (eviction)
      `${base}ma:${uh}`, // 6 applied turns: turn id scored by ms (the exactly-once fence)
      `${base}ml:${uh}`, // 7 lease: the token of the one memory job running for this user
      `${base}mw:${uh}`, // 8 written at: memory id scored by the ver that last wrote it (incremental reads)
    ],
  };
}
