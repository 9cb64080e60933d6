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
}

/**
 * The one place that decides what a stage error means (BullMQ is the only retry layer):
 * - the job was cancelled (lock lost, shutdown): rethrow; another worker owns or will own it;
 * - provider 429: pause the queue for the hinted time and put the job back without using an attempt;
 * - retryable with attempts left: rethrow, BullMQ retries with exponential backoff;
 * - otherwise: end the turn as failed (invariant 4), hand the session on, fail the job once.
 */
export async function settleTurnError(err: unknown, c: SettleContext): Promise<never> {
  if (c.signal.aborted) throw err;
  if (err instanceof LlmError && err.type === 'rate_limit') {
    await c.queues.get(c.job.queueName as QueueName, c.ref.partition).rateLimit(err.retryAfterMs ?? 1000);
    throw new RateLimitError();
  }
  const permanent = err instanceof PermanentTurnError || (err instanceof LlmError && !err.retryable)
    || (err as { code?: string })?.code === 'context_overflow';
  const attemptsLeft = c.job.attemptsMade + 1 < (c.job.opts.attempts ?? 1);
  if (!permanent && attemptsLeft) throw err;

  const error = err instanceof LlmError
    ? { code: `llm_${err.type}`, message: err.message }
    : { code: (err as { code?: string })?.code ?? 'internal', message: err instanceof Error ? err.message : String(err) };
  const failed = await c.pipeline.fail(c.ref, error);
  if (failed) {
    c.metrics.turnsTotal.inc({ outcome: 'failed' });
    c.metrics.turnDuration.observe({ intent: failed.intent?.label ?? 'unknown', outcome: 'failed' }, failed.totalMs / 1000);
    c.logger.warn({ code: error.code, err: error.message }, 'turn failed');
    if (failed.next) await c.queues.addTurn('intent', failed.next).catch(() => undefined); // the reconciler repairs a lost add
  }
  throw new UnrecoverableError(error.message);
}
