import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { LlmError } from '#libs/llm';
import type { Logger } from '#libs/logger';
import type { Metrics } from '#libs/metrics';
import type { PipelineStore, TurnRef } from '#libs/session';
import type { Queues } from './create-queues';
import type { QueueName } from './job-schemas';

/** An error that no retry can fix, with the code a failed turn reports. */
export class PermanentTurnError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PermanentTurnError';
  }
}

export interface SettleContext {
  job: Job; ref: TurnRef; pipeline: PipelineStore; queues: Queues;
  logger: Logger; metrics: Metrics; signal: AbortSignal;
  /** The response attempt that failed (ResponseSnapshot.attempt); FAIL is fenced on it. */
  attempt?: number;
  /** TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS: the longest a turn waits on provider rate limits in all. */
  rateLimitMaxWaitMs: number;
}

/** A rate-limit pause without a hint from the provider. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 1000;

/**
 * The one place that decides what a stage error means (BullMQ is the only retry layer):
 * - the job was cancelled (lock lost, shutdown): rethrow; another worker owns or will own it;
 * - provider 429 that is a pause: pause the queue for the hinted time and put the job back without
 *   using an attempt — while the turn's waits stay within `rateLimitMaxWaitMs`; past it the turn fails
 *   with `llm_rate_limited`, so a limit that never lifts cannot hold a session for good;
 * - provider quota exhausted (`llm_quota`), or anything not retryable, or no attempts left: end the turn
 *   as failed (invariant 4), fenced on this stage and attempt, hand the session on, fail the job once;
 * - retryable with attempts left: rethrow, BullMQ retries with exponential backoff.
 */
export async function settleTurnError(err: unknown, c: SettleContext): Promise<never> {
  if (c.signal.aborted) throw err;
  if (err instanceof LlmError && err.type === 'rate_limit') {
    const pause = err.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS;
    const waited = await c.pipeline.addRateLimitWait(c.ref, pause);
    if (waited === null) throw new UnrecoverableError('the turn no longer owns its session'); // ended or deleted meanwhile
    if (waited <= c.rateLimitMaxWaitMs) {
      await c.queues.get(c.job.queueName as QueueName, c.ref.partition).rateLimit(pause);
      throw new RateLimitError();
    }
    c.metrics.llmErrors.inc({ model: err.model ?? 'unknown', operation: err.operation ?? 'unknown', error_type: 'rate_limited_timeout' });
    err = new PermanentTurnError('llm_rate_limited',
      `the model provider kept rate limiting: the turn waited ${Math.round((waited - pause) / 1000)} s of the ${Math.round(c.rateLimitMaxWaitMs / 1000)} s allowed`);
  }
  const permanent = err instanceof PermanentTurnError || (err instanceof LlmError && !err.retryable)
    || (err as { code?: string })?.code === 'context_overflow';
  const attemptsLeft = c.job.attemptsMade + 1 < (c.job.opts.attempts ?? 1);
  if (!permanent && attemptsLeft) throw err;

  const error = err instanceof LlmError
    ? { code: `llm_${err.type}`, message: err.message }
    : { code: (err as { code?: string })?.code ?? 'internal', message: err instanceof Error ? err.message : String(err) };
  const stage = c.job.queueName === 'response' ? 'response' : 'intent';
  const failed = await c.pipeline.fail(c.ref, error, { stage, attempt: stage === 'response' ? c.attempt : undefined });
  if (failed) {
    c.metrics.turnsTotal.inc({ outcome: 'failed' });
    c.metrics.turnDuration.observe({ intent: failed.intent?.label ?? 'unknown', outcome: 'failed' }, failed.totalMs / 1000);
    c.logger.warn({ code: error.code, err: error.message }, 'turn failed');
    if (failed.next) await c.queues.addTurn('intent', failed.next).catch(() => undefined); // the reconciler repairs a lost add
  } else {
    c.logger.warn({ code: error.code, err: error.message }, 'fail refused: the turn had ended or moved on to another stage or attempt');
  }
  throw new UnrecoverableError(error.message);
}
