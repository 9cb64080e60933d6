import type { Llm } from '#libs/llm';
import type { Logger } from '#libs/logger';
import { rankMemories, type MemoryCache } from '#libs/memory';
import type { Metrics } from '#libs/metrics';

export interface RecallDeps { cache: MemoryCache; llm: Llm; metrics: Metrics; embeddingModel: string }

/** More could never fit TURNQ_MEMORY_MAX_TOKENS: a memory line is at least a few tokens. */
const CANDIDATES = 64;

export interface Recalled { ids: string[]; texts: string[] }

/**
 * The user's memories most relevant to the new turn, best first, as context candidates. One Redis round
 * trip (the worker's copy of the user's memories brought up to date), and an embedding of the turn only
 * when the user has memories at all. Memory helps a reply; it never fails one: any error here gives no
 * memories and a warning.
 */
export function createRecall(d: RecallDeps) {
  return async (user: { tenant: string; userId: string }, input: string, signal: AbortSignal, logger: Logger): Promise<Recalled> => {
    try {
      const t0 = performance.now();
      const snap = await d.cache.get(user.tenant, user.userId);
      let seconds = (performance.now() - t0) / 1000;
      if (snap.memories.length === 0) {
        d.metrics.memoryRetrieval.observe(seconds);
        return { ids: [], texts: [] };
      }
      const [query] = (await d.llm.embed({ model: d.embeddingModel, input: [input], signal })).vectors;
      const t1 = performance.now();
      const ranked = rankMemories(query, snap.memories, Date.now()).slice(0, CANDIDATES);
      seconds += (performance.now() - t1) / 1000;
      d.metrics.memoryRetrieval.observe(seconds);
      return { ids: ranked.map((r) => r.memory.id), texts: ranked.map((r) => r.memory.text) };
    } catch (err) {
      if (signal.aborted) throw err;
      logger.warn({ err: (err as Error).message }, 'memory retrieval failed; replying without memories');
      return { ids: [], texts: [] };
    }
  };
}
