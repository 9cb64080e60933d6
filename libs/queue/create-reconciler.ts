import type { Logger } from '#libs/logger';
import type { PipelineStore } from '#libs/session';
import type { Queues } from './create-queues';
import { turnJobId } from './job-schemas';

export interface ReconcilerOptions {
  pipeline: PipelineStore;
  queues: Queues;
  partitions: number;
  intervalMs: number;
  /** How long a session's active turn may go unchecked. */
  afterMs: number;
  logger: Logger;
}

/**
 * Repairs the gaps between a script and the `queue.add` that follows it, from any replica, idempotently
 * (docs/architecture.md, "Reconciler"; README, "Reliability"). For each session whose active turn has
 * gone unchecked for `afterMs`: the turn has ended but still owns the session → the session moves on to its next turn; its stage's job
 * missing → added again under the same id; failed for good → the turn ends as failed (fenced on that
 * stage and attempt) and the session moves on; a stale completion → re-added; otherwise the check time
 * is refreshed. Deterministic job ids and the stage cursor make a duplicate add harmless. Every time is
 * the Redis server's (the scripts score inflight with it), so a worker's clock skew never delays a repair.
 */
export function createReconciler(o: ReconcilerOptions) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function repairSession(partition: number, sessionId: string, now: number): Promise<boolean> {
    const active = await o.pipeline.probeActive(sessionId);
    if (!active) return false;
    const ref = o.pipeline.refOf(sessionId, active.seq);
    if (!['queued', 'running'].includes(active.status)) {
      const released = await o.pipeline.releaseEnded(ref);
      if (!released) return false;
      if (released.next) await o.queues.addTurn('intent', released.next);
      o.logger.warn({ sessionId, turnId: ref.turnId, status: active.status, next: released.next?.turnId }, 'reconciler released a session held by an ended turn');
      return true;
    }
    const stage = active.status === 'queued' || active.stage !== 'response' ? 'intent' : 'response';
    const job = await o.queues.get(stage, partition).getJob(turnJobId(ref.turnId));
    const state = job ? await job.getState() : 'unknown';
    let repaired = false;
    if (state === 'unknown') {
      await o.queues.addTurn(stage, ref);
      repaired = true;
    } else if (state === 'failed') {
      const failed = await o.pipeline.fail(ref, { code: 'job_failed', message: job?.failedReason || 'the job failed' },
        { stage, attempt: stage === 'response' ? active.attempt ?? undefined : undefined });
      if (failed?.next) await o.queues.addTurn('intent', failed.next);
      repaired = true;
    } else if (state === 'completed') {
      await job!.remove();
      await o.queues.addTurn(stage, ref);
      repaired = true;
    }
    if (repaired) o.logger.warn({ sessionId, turnId: ref.turnId, stage, jobState: state }, 'reconciler repaired a turn');
    await o.pipeline.touchInflight(partition, sessionId, now);
    return repaired;
  }

  async function runOnce(): Promise<number> {
    let repaired = 0;
    for (let p = 0; p < o.partitions; p++) {
      // a partition whose shard is failing over is skipped this pass; the others are still repaired
      const stale = await o.pipeline.staleInflight(p, o.afterMs, 200).catch((err: Error) => {
        o.logger.warn({ partition: p, err: err.message }, 'reconcile of a partition failed; will retry');
        return null;
      });
      if (!stale) continue;
      const { now, sessionIds } = stale;
      for (const sessionId of sessionIds) {
        try {
          if (await repairSession(p, sessionId, now)) repaired++;
        } catch (err) {
          o.logger.warn({ sessionId, err: (err as Error).message }, 'reconcile failed; will retry');
        }
      }
    }
    return repaired;
  }

  return {
    runOnce: () => (running ??= runOnce().finally(() => { running = null; })),
    start(): void {
      const tick = () => {
        this.runOnce().catch((err: Error) => o.logger.warn({ err: err.message }, 'reconcile pass failed'))
          .finally(() => { if (timer) timer = setTimeout(tick, o.intervalMs); });
      };
      timer = setTimeout(tick, o.intervalMs);
    },
    /** Stops the timer and waits for the pass in progress; never rejects (a failed pass is logged by start's tick). */
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
