import type { MemoryKind, StoredMemory } from './memory-types';
import { dot } from './vector-codec';

export interface RankedMemory { memory: StoredMemory; similarity: number; score: number }

/*
 * Who the user is and what they prefer matters to almost any reply, so profile and preference memories
 * are always candidates and rank above a plain fact of the same similarity; a fact must be about the
 * turn at hand (MIN_FACT_SIMILARITY). Among equals the more recently written wins, gently: recency
 * breaks ties, it does not outvote relevance.
 */
const KIND_BOOST: Record<MemoryKind, number> = { profile: 0.2, preference: 0.15, fact: 0 };
export const MIN_FACT_SIMILARITY = 0.2;
const RECENCY_WEIGHT = 0.05;
const RECENCY_HALF_LIFE_MS = 30 * 24 * 3600 * 1000;

/** Exact search: every memory of the user is scored against the (unit-length) query. Best first. */
export function rankMemories(query: Float32Array, memories: readonly StoredMemory[], now: number): RankedMemory[] {
  const out: RankedMemory[] = [];
  for (const memory of memories) {
    const similarity = dot(query, memory.vector);
    if (memory.kind === 'fact' && similarity < MIN_FACT_SIMILARITY) continue;
    const age = Math.max(0, now - memory.updatedAtMs);
    const score = similarity + KIND_BOOST[memory.kind] + RECENCY_WEIGHT * Math.pow(0.5, age / RECENCY_HALF_LIFE_MS);
    out.push({ memory, similarity, score });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** The `k` memories closest to `query` by similarity alone, at least `min`: what a new statement is reconciled against. */
export function mostSimilar(query: Float32Array, memories: readonly StoredMemory[], k: number, min: number): RankedMemory[] {
  return memories
    .map((memory) => ({ memory, similarity: dot(query, memory.vector), score: 0 }))
    .filter((r) => r.similarity >= min)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k)
    .map((r) => ({ ...r, score: r.similarity }));
}
