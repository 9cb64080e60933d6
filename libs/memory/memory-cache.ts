import type { MemorySnapshot, MemoryStore } from './memory-store';

/**
 * The response stage's copy of users' memories, by user, least recently used dropped first once
 * `maxBytes` of vectors are held. A turn then reads only what changed since its user's last turn (most
 * often nothing: a one-line reply), instead of every vector of the user (~3 MiB at 500 x 1536).
 * Never stale: every read asks Redis whether the copy is current.
 */
export function createMemoryCache(store: MemoryStore, maxBytes: number) {
  const copies = new Map<string, { snap: MemorySnapshot; bytes: number }>();
  let held = 0;

  return {
    async get(tenant: string, userId: string): Promise<MemorySnapshot> {
      const key = `${tenant}\u0000${userId}`;
      const entry = copies.get(key);
      const snap = await store.snapshot(tenant, userId, entry?.snap);
      if (entry) {
        copies.delete(key);
        held -= entry.bytes;
      }
      const bytes = snap.memories.reduce((n, m) => n + m.vector.byteLength + m.text.length * 2, 0);
      if (bytes <= maxBytes) {
        copies.set(key, { snap, bytes });
        held += bytes;
        for (const [k, e] of copies) {
          if (held <= maxBytes) break;
          copies.delete(k);
          held -= e.bytes;
        }
      }
      return snap;
    },
  };
}

export type MemoryCache = ReturnType<typeof createMemoryCache>;
