import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
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
  process(data: T, ctx: { job: Job; worker: Worker; signal: AbortSignal; logger: Logger }): Promise<void>;
}

/**
 * One BullMQ worker per partition for a queue. A payload that fails its schema can never succeed, so
 * it fails once (UnrecoverableError). A worker that loses its lock cancels the job's AbortSignal, so its
 * LLM call stops; its commit would be refused by the fence anyway.
 */
export function startWorkers<T>(o: WorkerOptions<T>): Worker[] {
  const workers: Worker[] = [];
  for (let p = 0; p < o.partitions; p++) {
    const worker: Worker = new Worker(o.queue, async (job: Job, _token?: string, signal?: AbortSignal) => {
      const parsed = o.schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid ${o.queue} job payload: ${parsed.error.issues[0]?.message}`);
      if (job.attemptsMade > 0) o.metrics.jobRetries.inc({ queue: o.queue });
      const data = parsed.data as T & { turnId?: string; sessionId?: string };
      const logger = o.logger.child({ jobId: job.id, turnId: data.turnId, sessionId: data.sessionId, attempt: job.attemptsMade + 1 });
      await o.process(parsed.data, { job, worker, signal: signal ?? new AbortController().signal, logger });
    }, {
      connection: o.connection,
      prefix: partitionTag(o.namespace, p),
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: 1,
      autorun: true,
    });
    worker.on('completed', () => o.metrics.jobsTotal.inc({ queue: o.queue, status: 'completed' }));
    worker.on('failed', (job, err) => {
      // 'failed' fires for every failed attempt; only a job with no retry left has failed for good
      const final = !job || job.finishedOn !== undefined || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) o.metrics.jobsTotal.inc({ queue: o.queue, status: 'failed' });
      o.logger.warn({ jobId: job?.id, err: err.message, attempts: job?.attemptsMade, final }, 'job attempt failed');
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

/** Waits for running jobs up to the grace period, then forces the close (BullMQ's close has no deadline). */
export async function closeWorkers(workers: Worker[], graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
  const deadline = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), graceMs); });
  const done = await Promise.race([graceful, deadline]);
  clearTimeout(timer);
  if (!done) await Promise.all(workers.map((w) => w.close(true)));
}
