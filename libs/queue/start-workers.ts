import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from '#libs/redis';
import type { Logger } from '#libs/logger';
import type { Metrics } from '#libs/metrics';
import { partitionTag } from '#libs/session';
import type { ZodType } from 'zod';
import type { QueueName } from './job-schemas';

export interface WorkerOptions<T> {
  queue: QueueName;
  schema: ZodType<T>;
  connection: Redis;
  namespace: string;
  partitions: number;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  logger: Logger;
  metrics: Metrics;
  /** `token`: the job's lock token, for a processor that moves its job (moveToDelayed). */
  process(data: T, ctx: { job: Job; worker: Worker; signal: AbortSignal; logger: Logger; token?: string }): Promise<void>;
}

/** The abort reason of jobs still running when a worker's shutdown grace period is over. */
const SHUTDOWN = 'worker shutting down';
const NO_LIMIT = 1_000_000_000;

/**
 * One BullMQ worker per partition for a queue. A payload that fails its schema can never succeed, so
 * it fails once (UnrecoverableError). A worker that loses its lock cancels the job's AbortSignal, so its
 * LLM call stops; its commit would be refused by the fence anyway. A job cancelled by a shutdown
 * (closeWorkers) is handed back to the head of the wait list without using an attempt.
 */
export function startWorkers<T>(o: WorkerOptions<T>): Worker[] {
  const workers: Worker[] = [];
  for (let p = 0; p < o.partitions; p++) {
    const worker: Worker = new Worker(o.queue, async (job: Job, token?: string, signal?: AbortSignal) => {
      const parsed = o.schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid ${o.queue} job payload: ${parsed.error.issues[0]?.message}`);
      if (job.attemptsMade > 0) o.metrics.jobRetries.inc({ queue: o.queue });
      const data = parsed.data as T & { turnId?: string; sessionId?: string };
      const logger = o.logger.child({ jobId: job.id, turnId: data.turnId, sessionId: data.sessionId, attempt: job.attemptsMade + 1 });
      try {
        await o.process(parsed.data, { job, worker, signal: signal ?? new AbortController().signal, logger, token });
      } catch (err) {
        if (signal?.aborted && signal.reason === SHUTDOWN && token) {
          await job.moveToWait(token);
          logger.info('shutdown grace period over: job handed back');
          throw new WaitingError(); // BullMQ leaves a job it was told is waiting alone
        }
        throw err;
      }
    }, {
      connection: o.connection,
      prefix: partitionTag(o.namespace, p),
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: 1,
      // Never reached by itself: without a limiter BullMQ ignores queue.rateLimit() when it hands out
      // jobs, so after a provider 429 (settleTurnError) other workers would go on calling the model.
      limiter: { max: NO_LIMIT, duration: 1000 },
      autorun: true,
    });
    // Zero from the start, so a dashboard's stalled-jobs rate is 0 rather than no data until the first stall.
    o.metrics.jobsStalled.inc({ queue: o.queue }, 0);
    worker.on('completed', () => o.metrics.jobsTotal.inc({ queue: o.queue, status: 'completed' }));
    worker.on('failed', (job, err) => {
      // 'failed' fires for every failed attempt; only a job with no retry left has failed for good
      const final = !job || job.finishedOn !== undefined || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) o.metrics.jobsTotal.inc({ queue: o.queue, status: 'failed' });
      o.logger.warn({ jobId: job?.id, err: err.message, attempts: job?.attemptsMade, final }, 'job attempt failed');
    });
    // Emitted by the worker whose stalled check found the job, which need not be the one that lost it.
    worker.on('stalled', (jobId: string) => {
      o.metrics.jobsStalled.inc({ queue: o.queue });
      o.logger.warn({ jobId }, 'job stalled: its lock expired while active; BullMQ moved it back to wait');
    });
    worker.on('error', (err) => o.logger.error({ err: err.message }, 'worker error'));
    worker.on('lockRenewalFailed', (ids: string[]) => {
      for (const id of ids) worker.cancelJob(id, 'lock renewal failed');
      o.logger.warn({ jobIds: ids }, 'lock renewal failed; jobs cancelled');
    });
    workers.push(worker);
  }
  return workers;
}

/**
 * Stops taking jobs and waits for the running ones up to the grace period. BullMQ's close() has no
 * deadline, and close(true) after it only returns the same pending close, so at the deadline the
 * running jobs are cancelled instead: their LLM calls abort and each job is handed back (see above).
 * A processor that ignores its signal is not waited for longer than `handBackMs`.
 */
export async function closeWorkers(workers: Worker[], graceMs: number, handBackMs = 2000): Promise<void> {
  const closed = Promise.all(workers.map((w) => w.close()));
  if (await within(closed, graceMs)) return;
  for (const w of workers) w.cancelAllJobs(SHUTDOWN);
  await within(closed, handBackMs);
}

async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
  const done = await Promise.race([p.then(() => true), deadline]);
  clearTimeout(timer);
  return done;
}
