import type { Job } from 'bullmq';
import { classifyIntent, transition, type ConversationState, type IntentTables } from '#libs/intent';
import type { Llm } from '#libs/llm';
import type { Logger } from '#libs/logger';
import type { Metrics } from '#libs/metrics';
import { settleTurnError, type Queues, type TurnJob } from '#libs/queue';
import type { PipelineStore } from '#libs/session';

export interface ClassifyTurnDeps {
  pipeline: PipelineStore; queues: Queues; llm: Llm; metrics: Metrics;
  tables: IntentTables; model: string; threshold: number;
  /** TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS (settleTurnError). */
  rateLimitMaxWaitMs: number;
}

/**
 * The intent stage: start the turn (fenced on the session's active turn), classify, move the
 * conversation state, hand the turn to the response stage. A redelivered job whose cursor is already
 * past this stage only makes sure the response job exists.
 */
export function createClassifyTurn(d: ClassifyTurnDeps) {
  return async (ref: TurnJob, ctx: { job: Job; signal: AbortSignal; logger: Logger }): Promise<void> => {
    const started = await d.pipeline.start(ref);
    if (started.kind === 'gone') return;
    if (started.queueWaitMs !== null) d.metrics.turnQueueWait.observe(started.queueWaitMs / 1000);
    if (started.stage === 'response') {
      await d.queues.addTurn('response', ref);
      return;
    }
    const t0 = performance.now();
    try {
      const intent = await classifyIntent({ text: started.input, tables: d.tables, llm: d.llm, model: d.model, signal: ctx.signal, threshold: d.threshold });
      const { to } = transition(started.state as ConversationState, intent.label);
      const committed = await d.pipeline.commitIntent(ref, intent, to);
      if (committed === 'gone') {
        ctx.logger.warn('intent commit refused: the turn ended, was deleted or moved on');
        return;
      }
      if (committed === 'ok') d.metrics.intentClassifications.inc({ intent: intent.label, method: intent.method });
      d.metrics.stageDuration.observe({ stage: 'intent', outcome: 'completed' }, (performance.now() - t0) / 1000);
      ctx.logger.debug({ label: intent.label, method: intent.method, confidence: intent.confidence }, 'intent classified');
    } catch (err) {
      d.metrics.stageDuration.observe({ stage: 'intent', outcome: 'failed' }, (performance.now() - t0) / 1000);
      await settleTurnError(err, { job: ctx.job, ref, pipeline: d.pipeline, queues: d.queues, logger: ctx.logger, metrics: d.metrics, signal: ctx.signal, rateLimitMaxWaitMs: d.rateLimitMaxWaitMs });
    }
    // The stage is committed: a lost hand-off is the reconciler's to repair, not a reason to fail the turn.
    await d.queues.addTurn('response', ref).catch((err: Error) =>
      ctx.logger.warn({ err: err.message }, 'hand-off to the response stage failed; the reconciler will repair it'));
  };
}
