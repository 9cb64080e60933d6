import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from '#libs/redis';
import { partitionTag } from '#libs/session';
import { QUEUE_NAMES, summaryJobId, turnJobId, type QueueName, type SummaryJob, type TurnJob, type TurnStage } from './job-schemas';

/** Completed intent and response jobs kept per queue (and partition), newest first, for at most an hour. */
export const COMPLETED_TURN_JOBS_KEPT = 1_000;

export interface QueueOptions {
  connection: Redis;
  namespace: string;
  partitions: number;
  attempts: number;
  backoffMs: number;
  /** TURNQ_SESSION_TTL_SECONDS: a job record never outlives the session it belongs to (0 = no cap). */
  sessionTtlSeconds?: number;
}

/**
 * One BullMQ queue per stage per partition, prefixed with the partition's hash tag so a session's keys
 * and the queues that carry its turns live in one Redis Cluster slot.
 */
export function createQueues(opts: QueueOptions) {
  const queues = new Map<string, Queue>();
  const get = (name: QueueName, partition: number): Queue => {
    const id = `${name}:${partition}`;
    let q = queues.get(id);
    if (!q) {
      q = new Queue(name, { connection: opts.connection, prefix: partitionTag(opts.namespace, partition) });
      q.on('error', () => undefined); // surfaced through the caller's awaited adds; keeps a Redis outage from crashing the process
      queues.set(id, q);
    }
    return q;
  };
  const completedAge = capAge(3600, opts.sessionTtlSeconds);
  const jobOptions: JobsOptions = {
    attempts: opts.attempts,
    backoff: { type: 'exponential', delay: opts.backoffMs },
    removeOnComplete: { age: completedAge, count: 10_000 },
    removeOnFail: { age: capAge(7 * 24 * 3600, opts.sessionTtlSeconds) },
  };
  // A turn's state lives in its session, so a completed turn job's record is only a recent window for
  // the read-only bull-board; kept longer, every idle session would carry its turns' records. Nothing
  // deduplicates against a completed record: a job re-added under the same id after it is gone meets
  // the session scripts' fences (owner, stage cursor, attempt) and finds nothing left to do.
  const turnJobOptions: JobsOptions = { ...jobOptions, removeOnComplete: { age: completedAge, count: COMPLETED_TURN_JOBS_KEPT } };

  return {
    get,
    /** Every queue of every partition, for metrics and shutdown. */
    all(): Array<{ name: QueueName; partition: number; queue: Queue }> {
      const out = [];
      for (let p = 0; p < opts.partitions; p++) for (const name of QUEUE_NAMES) out.push({ name, partition: p, queue: get(name, p) });
      return out;
    },
    async addTurn(stage: TurnStage, job: TurnJob): Promise<void> {
      await get(stage, job.partition).add(stage, job, { ...turnJobOptions, jobId: turnJobId(job.turnId) });
    },
    /** At most one summary job per session is waiting at a time. */
    async addSummary(job: SummaryJob): Promise<void> {
      await get('summary', job.partition).add('summary', job, { ...jobOptions, attempts: 3, deduplication: { id: summaryJobId(job.sessionId) } });
    },
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export type Queues = ReturnType<typeof createQueues>;

/** Job ids name their turn: keeping a job past its session's expiry would leave the session's trace behind. */
function capAge(seconds: number, sessionTtlSeconds = 0): number {
  return sessionTtlSeconds > 0 ? Math.min(seconds, sessionTtlSeconds) : seconds;
}
