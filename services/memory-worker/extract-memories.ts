import { DelayedError, type Job } from 'bullmq';
import type { Llm } from '#libs/llm';
import type { Logger } from '#libs/logger';
import {
  extractionMessages, mostSimilar, parseExtraction, type ExtractedItem, type MemoryOp, type MemoryStore, type MemorySnapshot,
} from '#libs/memory';
import type { Metrics } from '#libs/metrics';
import type { MemoryJob } from '#libs/queue';
import type { SessionStore } from '#libs/session';

export interface ExtractDeps {
  sessions: SessionStore; memories: MemoryStore; llm: Llm; metrics: Metrics;
  model: string; embeddingModel: string;
  /** Longer than any one run of the job can take (the LLM timeout and then some). */
  leaseMs: number;
  /** How long a job waits for its turn to commit before it gives up (the turn is stuck or gone). */
  maxWaitMs?: number;
}

/** Memories shown to the model as possibly related: enough for it to spot a contradiction, few enough to stay cheap. */
const RELATED = 10;
/** Why a job that read its turn before a delete-all of the user's memories writes nothing after it. */
const ERASED = 'memories deleted since the job started';
/** A decision made on memories that changed meanwhile is redone on fresh ones, this often at most per run. */
const STALE_RETRIES = 3;

/**
 * The memory job of one turn: what the user stated about themselves in it, reconciled with their
 * related memories (add / update / nothing), applied exactly once.
 *
 * - The job is added by the response stage BEFORE the turn commits, so there is no window where a turn
 *   is committed and its memory job does not exist; a job that finds its turn still running waits
 *   (moved to delayed, no attempt used) and one whose turn failed or vanished does nothing.
 * - One user, one job at a time: a lease in the user's partition (ACQUIRE), held in the job's name. A
 *   second job of the same user waits (delayed) until it is free; a job that outlives its lease cannot
 *   apply: APPLY is fenced on the lease, on the turn not being applied yet (its mark is written in the
 *   same script as the changes), and on the memories being as they were read (ver). A run of the same
 *   job after a crash or a stall holds the same lease; should the old run still be alive, only one of
 *   them gets past the applied-turn mark.
 */
export function createExtractMemories(d: ExtractDeps) {
  const maxWaitMs = d.maxWaitMs ?? 3600_000;

  return async (m: MemoryJob, ctx: { job: Job; logger: Logger; signal: AbortSignal; token?: string }): Promise<void> => {
    const later = async (ms: number): Promise<never> => {
      await ctx.job.moveToDelayed(Date.now() + ms, ctx.token);
      throw new DelayedError();
    };
    const turn = await d.sessions.getTurn(m.tenant, m.turnId);
    if (turn && (turn.status === 'queued' || turn.status === 'running')) {
      if (Date.now() - ctx.job.timestamp > maxWaitMs) return skip(ctx.logger, 'turn never ended');
      return later(Math.min(5000, 250 * 2 ** Math.min(5, ctx.job.attemptsStarted ?? 0)));
    }
    if (!turn || turn.status !== 'completed') return skip(ctx.logger, turn ? `turn ${turn.status}` : 'turn gone');

    // The job's own id: a re-run of this job after a crash takes its lease over at once, instead of
    // waiting for it to run out; two runs of the same job are still fenced by the applied-turn mark.
    const token = String(ctx.job.id);
    // The generation of the user's memory this job started in is kept in the job, so a run after a crash
    // finds out that a delete-all came in between (ACQUIRE, APPLY) instead of starting afresh.
    const lease = await d.memories.acquire(m.tenant, m.userId, { token, turnId: m.turnId, ms: d.leaseMs, gen: m.gen });
    if (lease.kind === 'applied') return skip(ctx.logger, 'already applied');
    if (lease.kind === 'erased') return skip(ctx.logger, ERASED);
    if (lease.kind === 'busy') return later(200 + Math.floor(Math.random() * 300));
    try {
      const gen = lease.gen;
      if (m.gen === undefined) await ctx.job.updateData({ ...m, gen });
      const [query] = (await d.llm.embed({ model: d.embeddingModel, input: [turn.input], signal: ctx.signal })).vectors;
      for (let i = 0; i < STALE_RETRIES; i++) {
        const snap = await d.memories.snapshot(m.tenant, m.userId);
        const ops = await decide(turn.input, query, snap, ctx.signal);
        const r = await d.memories.apply(m.tenant, m.userId, { token, turnId: m.turnId, gen, ver: snap.ver, ops, used: m.used });
        if (r.kind === 'stale') continue;
        if (r.kind === 'erased') {
          await d.memories.release(m.tenant, m.userId, token);
          return skip(ctx.logger, ERASED);
        }
        if (r.kind === 'lost') throw new Error('the memory lease ran out before the changes could be applied');
        if (r.kind === 'dup') return skip(ctx.logger, 'already applied');
        d.metrics.memoryChanges.inc({ op: 'add' }, r.added);
        d.metrics.memoryChanges.inc({ op: 'update' }, r.updated);
        d.metrics.memoryChanges.inc({ op: 'evict' }, r.evicted);
        d.metrics.memoryExtractions.inc({ outcome: r.added + r.updated > 0 ? 'changed' : 'unchanged' });
        ctx.logger.info({ added: r.added, updated: r.updated, evicted: r.evicted }, 'memories applied');
        return;
      }
      throw new Error('the memories kept changing while this turn was reconciled');
    } catch (err) {
      await d.memories.release(m.tenant, m.userId, token).catch(() => undefined);
      if (!(err instanceof DelayedError) && ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1)) d.metrics.memoryExtractions.inc({ outcome: 'failed' });
      throw err;
    }
  };

  /** The model's add / update / nothing for the message, against the user's most related memories. */
  async function decide(message: string, query: Float32Array, snap: MemorySnapshot, signal: AbortSignal): Promise<MemoryOp[]> {
    // short aliases in the prompt: a model copies "m2" back more reliably than a 24-character id
    const related = mostSimilar(query, snap.memories, RELATED, 0).map((r, i) => ({ alias: `m${i + 1}`, memory: r.memory }));
    const answer = await d.llm.complete({
      model: d.model, operation: 'extract', json: true, temperature: 0, maxTokens: 800, signal,
      messages: extractionMessages(message, related.map((r) => ({ id: r.alias, kind: r.memory.kind, text: r.memory.text }))),
    });
    const items = parseExtraction(answer.text);
    if (items === null) throw new Error('the model did not answer the extraction prompt with the JSON asked for');
    const kept = items.filter((it, i) => items.findIndex((o) => o.text === it.text) === i);
    if (kept.length === 0) return [];
    const { vectors } = await d.llm.embed({ model: d.embeddingModel, input: kept.map((it) => it.text), signal });
    return kept.map((it: ExtractedItem, i): MemoryOp => {
      const target = it.action === 'update' ? related.find((r) => r.alias === it.id)?.memory : undefined;
      return target
        ? { op: 'update', id: target.id, text: it.text, kind: it.kind, vector: vectors[i] }
        : { op: 'add', text: it.text, kind: it.kind, vector: vectors[i] };
    });
  }

  function skip(logger: Logger, reason: string): void {
    d.metrics.memoryExtractions.inc({ outcome: 'skipped' });
    logger.info({ reason }, 'memory job skipped');
  }
}
