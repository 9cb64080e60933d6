import type { Memory, MemoryKind, StoredMemory } from './memory-types';
import { decodeVector } from './vector-codec';

/** A record as memory-scripts.ts writes it. `sup` is {} when empty: Lua's cjson cannot tell an empty array from an empty object. */
interface RawRecord { t: string; k: MemoryKind; ca: number; ua: number; src: string; sup: Array<{ t: string; u: number }> | Record<string, never> }

const iso = (ms: number): string => new Date(ms).toISOString();

export function decodeRecord(userId: string, id: string, raw: string): Memory {
  const r = JSON.parse(raw) as RawRecord;
  return {
    id, userId, text: r.t, kind: r.k, createdAt: iso(r.ca), updatedAt: iso(r.ua),
    sourceTurnId: r.src || null,
    supersedes: Array.isArray(r.sup) ? r.sup.map((s) => ({ text: s.t, until: iso(s.u) })) : [],
  };
}

/** SNAPSHOT's reply (Buffers): records and vectors as flat [id, value, ...] lists. */
export function decodeSnapshot(ver: number, records: Buffer[], vectors: Buffer[]): { ver: number; memories: StoredMemory[] } {
  const byId = new Map<string, Buffer>();
  for (let i = 0; i < vectors.length; i += 2) byId.set(vectors[i].toString(), vectors[i + 1]);
  const memories: StoredMemory[] = [];
  for (let i = 0; i < records.length; i += 2) {
    const id = records[i].toString();
    const vec = byId.get(id);
    if (!vec) continue;
    const r = JSON.parse(records[i + 1].toString()) as RawRecord;
    memories.push({ id, text: r.t, kind: r.k, createdAtMs: r.ca, updatedAtMs: r.ua, vector: decodeVector(vec) });
  }
  return { ver: Number(ver), memories };
}
