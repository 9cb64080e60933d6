import { QUEUE_NAMES } from '#libs/queue';
import { inflightKey } from '#libs/session';
import type { GatewayDeps } from './gateway-deps';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/**
 * Queue depth is sampled at scrape time, by the gateway only (BullMQ's own exporter fails promtool).
 * Sessions with pending turns = sessions whose active turn is queued or running (the inflight index).
 */
export async function sampleQueueGauges({ queues, metrics, redis, namespace, partitions }: GatewayDeps): Promise<void> {
  const totals = new Map<string, number>();
  let sessions = 0;
  await Promise.all(queues.all().map(async ({ name, queue }) => {
    const counts = await queue.getJobCounts(...STATES);
    for (const s of STATES) totals.set(`${name}|${s}`, (totals.get(`${name}|${s}`) ?? 0) + (counts[s] ?? 0));
  }));
  for (let p = 0; p < partitions; p++) sessions += await redis.zcard(inflightKey(namespace, p));
  for (const name of QUEUE_NAMES) for (const s of STATES) metrics.queueJobs.set({ queue: name, state: s }, totals.get(`${name}|${s}`) ?? 0);
  metrics.sessionsWithPendingTurns.set(sessions);
}
