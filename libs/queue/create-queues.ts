import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from '#libs/redis';
import { partitionTag } from '#libs/session';
import { QUEUE_NAMES, memoryJobId, summaryJobId, turnJobId, type MemoryJob, type QueueName, type SummaryJob, type TurnJob, type TurnStage } from './job-schemas';

/**
 * Entries kept in each queue's BullMQ events stream (BullMQ's default is 10,000). turnq reads none of
 * BullMQ's events (no QueueEvents; a turn's progress is its session's event list), and BullMQ 6 has no
 * switch to stop writing them, so the stream is only bounded: ~85 bytes an entry, per queue and partition.
 */
export const QUEUE_EVENTS_KEPT = 1_000;

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
      q = new Queue(name, { connection: opts.connection, prefix: partitionTag(opts.namespace, partition), streams: { events: { maxLen: QUEUE_EVENTS_KEPT } } });
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
  // A turn's state lives in its session, so a completed turn job's record is removed as it completes:
  // keeping a window of them for bull-board cost ~10 Redis commands per job (BullMQ's age and count
  // trimming on every completion: ~20 of a turn's ~180) and 1 KB per job (docs/performance.md, Change 5).
  // Failed jobs are still kept (removeOnFail). Nothing deduplicates against a completed record: a job
  // re-added under the same id after it is gone meets the session scripts' fences (owner, stage cursor,
  // attempt) and finds nothing left to do.
  const turnJobOptions: JobsOptions = { ...jobOptions, removeOnComplete: true };

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
    /** Same id for the same turn: adding it again (a retried response stage) is harmless while it exists. */
    async addMemory(job: MemoryJob): Promise<void> {
      await get('memory', job.partition).add('memory', job, { ...turnJobOptions, jobId: memoryJobId(job.turnId) });
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
