import type { Job } from 'bullmq';
import { buildContext } from '#libs/context';
import { composeSystemPrompt, type ConversationState, type IntentTables } from '#libs/intent';
import type { Llm } from '#libs/llm';
import type { Logger } from '#libs/logger';
import type { Metrics } from '#libs/metrics';
import { settleTurnError, type Queues, type TurnJob } from '#libs/queue';
import type { CommitOutcome, PipelineStore } from '#libs/session';
import { cachedCounter, tokenCounter } from '#libs/tokens';
import { createDeltaCoalescer } from './delta-coalescer';

export interface RespondDeps {
  pipeline: PipelineStore; queues: Queues; llm: Llm; metrics: Metrics; tables: IntentTables;
  model: string; budget: number; maxReplyTokens: number; importance: boolean;
  summary: { triggerRatio: number; keepMessages: number };
  /** TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS (settleTurnError). */
  rateLimitMaxWaitMs: number;
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

  return async (ref: TurnJob, ctx: { job: Job; signal: AbortSignal; logger: Logger }): Promise<void> => {
    const snap = await d.pipeline.beginResponse(ref, pool);
    if (snap === 'gone') return;
    if (snap === 'stale') { await d.queues.addTurn('intent', ref); return; }
    const t0 = performance.now();
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    ctx.signal.addEventListener('abort', onAbort);
    try {
      const userTokens = counter.count(snap.input);
      const built = buildContext({
        systemPrompt: composeSystemPrompt(snap.systemPrompt, snap.state as ConversationState, d.tables),
        summary: snap.summary?.text ?? null, history: snap.history, newTurn: snap.input, newTurnTokens: userTokens,
        budget: d.budget, count: (t) => promptCounter.count(t), importance: d.importance,
        totalHistory: { messages: snap.messageCount, tokens: snap.totalTokens },
      });
      // each delta is fenced on the event id it must get, so one re-sent after a lost reply lands once
      let nextEventId = snap.nextEventId;
      const deltas = createDeltaCoalescer(async (text) => {
        const id = await d.pipeline.delta(ref, snap.attempt, text, nextEventId);
        if (!id) {
          ctx.logger.warn({ attempt: snap.attempt, eventId: nextEventId }, 'delta refused: this attempt no longer owns the turn; stopping the reply');
          abort.abort(); // stop paying for tokens nobody will see
          return false;
        }
        nextEventId = id + 1;
        return true;
      });
      const reply = await d.llm.stream({
        model: d.model, operation: 'chat', messages: built.messages, maxTokens: d.maxReplyTokens, signal: abort.signal,
        onDelta: (t) => deltas.push(t),
      });
      const tail = await deltas.takeRest();
      if (tail === false) return;
      const outcome = await d.pipeline.commitResponse(ref, {
        attempt: snap.attempt, response: reply.text, tail, usage: reply.usage, context: built.report,
        userTokens, replyTokens: counter.count(reply.text), intentLabel: snap.intent?.label ?? 'unknown', model: reply.model,
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
      ctx.logger.debug({ promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens }, 'turn completed');
      await afterCommit(ref, outcome, ctx.logger);
    } catch (err) {
      if (abort.signal.aborted && !ctx.signal.aborted) return; // fenced out mid-stream: the turn belongs to another attempt
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
