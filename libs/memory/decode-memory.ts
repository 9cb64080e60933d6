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

/** One memory of SNAPSHOT's reply (Buffers). */
export function decodeStored(id: string, record: Buffer, vector: Buffer): StoredMemory {
  const r = JSON.parse(record.toString()) as RawRecord;
  return { id, text: r.t, kind: r.k, createdAtMs: r.ca, updatedAtMs: r.ua, vector: decodeVector(vector) };
}
