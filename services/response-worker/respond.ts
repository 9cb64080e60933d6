import type { Job } from 'bullmq';
import { buildContext } from '#libs/context';
import { chooseTone, composeSystemPrompt, type ConversationState, type IntentTables } from '#libs/intent';
import type { Llm } from '#libs/llm';
import type { Logger } from '#libs/logger';
import type { Metrics } from '#libs/metrics';
import { settleTurnError, type Queues, type TurnJob } from '#libs/queue';
import type { CommitOutcome, PipelineStore } from '#libs/session';
import { cachedCounter, tokenCounter } from '#libs/tokens';
import type { MemoryStore } from '#libs/memory';
import { createDeltaCoalescer } from './delta-coalescer';
import { createRecall, type RecallDeps } from './recall-memories';

export interface RespondDeps {
  pipeline: PipelineStore; queues: Queues; llm: Llm; metrics: Metrics; tables: IntentTables;
  model: string; budget: number; maxReplyTokens: number; importance: boolean;
  summary: { triggerRatio: number; keepMessages: number };
  /** TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS (settleTurnError). */
  rateLimitMaxWaitMs: number;
  /** Long-term memory (absent or null: TURNQ_MEMORY=off): recalled into the prompt, and a memory job per turn. */
  memory?: (Omit<RecallDeps, 'llm' | 'metrics'> & { store: MemoryStore; maxTokens: number }) | null;
}

/**
 * The response stage: one snapshot of summary + newest history, a prompt within the budget, the reply
 * streamed to the turn's event stream, then the fenced commit that appends both messages once and hands
 * the session to its next turn. Queues a summary when the unsummarized history passes the trigger.
 */
export function createRespond(d: RespondDeps) {
  const counter = tokenCounter(d.model);
  // The system prompts (one per state) and a session's summary come back turn after turn.
  const promptCounter = cachedCounter(counter, 1000);
  // The pool is what importance scoring may choose from; more could never fit the budget anyway.
  const pool = { maxTokens: d.budget * 4, maxMessages: 400 };
  const recall = d.memory ? createRecall({ ...d.memory, llm: d.llm, metrics: d.metrics }) : null;

  return async (ref: TurnJob, ctx: { job: Job; signal: AbortSignal; logger: Logger }): Promise<void> => {
    const snap = await d.pipeline.beginResponse(ref, pool);
    if (snap === 'gone') return;
    if (snap === 'stale') { await d.queues.addTurn('intent', ref); return; }
    const t0 = performance.now();
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    ctx.signal.addEventListener('abort', onAbort);
    let fenced = false; // a delta was refused: the turn belongs to another attempt, which ends it
    try {
      const userTokens = counter.count(snap.input);
      const user = recall ? snap.memoryUser : null;
      const recalled = user && recall ? await recall(user, snap.input, abort.signal, ctx.logger) : { ids: [], texts: [] };
      const tone = chooseTone(snap.sentiment?.label ?? null, snap.sentimentTrend, d.tables);
      const built = buildContext({
        systemPrompt: composeSystemPrompt(snap.systemPrompt, snap.state as ConversationState, d.tables, tone?.text ?? null),
        summary: snap.summary?.text ?? null, history: snap.history, newTurn: snap.input, newTurnTokens: userTokens,
        budget: d.budget, count: (t) => promptCounter.count(t), importance: d.importance,
        totalHistory: { messages: snap.messageCount, tokens: snap.totalTokens },
        memories: { texts: recalled.texts, maxTokens: d.memory?.maxTokens ?? 0 },
      });
      // The turn's memory job exists before the turn can commit (see memory-worker/extract-memories.ts):
      // no crash between the commit and this add can lose it. Added while the reply streams; awaited
      // before the commit, whose failure to add fails the attempt.
      const memoryJob = user && d.memory ? d.queues.addMemory({
        tenant: user.tenant, userId: user.userId, sessionId: ref.sessionId, turnId: ref.turnId,
        partition: d.memory.store.partitionOf(user.tenant, user.userId), used: built.memories.placed.map((i) => recalled.ids[i]),
      }) : null;
      memoryJob?.catch(() => undefined); // awaited below; this only keeps an early stream failure from leaving it unhandled
      // each delta is fenced on the event id it must get, so one re-sent after a lost reply lands once
      let nextEventId = snap.nextEventId;
      const streamed: string[] = [];
      const deltas = createDeltaCoalescer(async (text) => {
        let id: number;
        try {
          id = await d.pipeline.delta(ref, snap.attempt, text, nextEventId);
        } catch (err) {
          abort.abort(); // the attempt fails (takeRest rethrows): no more tokens for a reply nobody sees
          throw err;
        }
        if (!id) {
          ctx.logger.warn({ attempt: snap.attempt, eventId: nextEventId }, 'delta refused: this attempt no longer owns the turn; stopping the reply');
          fenced = true;
          abort.abort(); // stop paying for tokens nobody will see
          return false;
        }
        nextEventId = id + 1;
        streamed.push(text);
        return true;
      });
      const reply = await d.llm.stream({
        model: d.model, operation: 'chat', messages: built.messages, maxTokens: d.maxReplyTokens, signal: abort.signal,
        promptTokens: built.promptTokens, onDelta: (t) => deltas.push(t),
      }).catch(async (err: unknown) => {
        // a failed delta write aborted the stream: its own error is the one that says why
        await deltas.takeRest();
        throw err;
      });
      const tail = await deltas.takeRest();
      if (tail === false) return;
      if (tail) streamed.push(tail);
      // the deltas are the reply, in order: the commit may keep their lengths instead of a second copy of it
      const deltaLengths = streamed.join('') === reply.text ? streamed.map((x) => x.length) : undefined;
      await memoryJob;
      const outcome = await d.pipeline.commitResponse(ref, {
        attempt: snap.attempt, response: reply.text, tail, deltaLengths, usage: reply.usage,
        context: { ...built.report, tone: tone && { instruction: tone.name, negativeRun: tone.negativeRun } },
        userTokens, replyTokens: reply.usageEstimated ? reply.usage.completionTokens : counter.count(reply.text), intentLabel: snap.intent?.label ?? 'unknown', model: reply.model,
      });
      if (!outcome) {
        ctx.logger.warn({ attempt: snap.attempt }, 'commit refused: the turn ended, was deleted or belongs to a newer attempt; the reply is dropped');
        return;
      }
      const seconds = (performance.now() - t0) / 1000;
      d.metrics.stageDuration.observe({ stage: 'response', outcome: 'completed' }, seconds);
      d.metrics.turnsTotal.inc({ outcome: 'completed' });
      d.metrics.turnDuration.observe({ intent: snap.intent?.label ?? 'unknown', outcome: 'completed' }, outcome.totalMs / 1000);
      d.metrics.contextTokens.inc({ kind: 'original' }, built.report.originalTokens);
      d.metrics.contextTokens.inc({ kind: 'kept' }, built.report.keptTokens);
      d.metrics.contextCompressionRatio.observe(built.report.compressionRatio);
      if (built.memories.tokens > 0) d.metrics.memoryTokens.inc(built.memories.tokens);
      ctx.logger.debug({ promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens }, 'turn completed');
      await afterCommit(ref, outcome, ctx.logger);
    } catch (err) {
      if (fenced && !ctx.signal.aborted) return; // fenced out mid-stream: the turn belongs to another attempt
      d.metrics.stageDuration.observe({ stage: 'response', outcome: 'failed' }, (performance.now() - t0) / 1000);
      await settleTurnError(err, {
        job: ctx.job, ref, pipeline: d.pipeline, queues: d.queues, logger: ctx.logger, metrics: d.metrics, signal: ctx.signal,
        attempt: snap.attempt, rateLimitMaxWaitMs: d.rateLimitMaxWaitMs,
      });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  };

  /**
   * The turn is committed: a failure from here on must not fail it. A lost dispatch of the next turn
   * is repaired by the reconciler; a lost summary job by the next commit.
   */
  async function afterCommit(ref: TurnJob, outcome: CommitOutcome, logger: Logger): Promise<void> {
    try {
      if (outcome.next) await d.queues.addTurn('intent', outcome.next);
      const unsummarizedTokens = outcome.totalTokens - outcome.coveredTokens;
      if (unsummarizedTokens > d.summary.triggerRatio * d.budget && outcome.messageCount - outcome.covers > d.summary.keepMessages) {
        await d.queues.addSummary({ sessionId: ref.sessionId, partition: ref.partition });
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message, next: outcome.next?.turnId }, 'dispatch after commit failed; the reconciler will repair it');
    }
  }
}
