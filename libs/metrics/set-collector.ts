import type { Gauge } from 'prom-client';

export interface SetCollectorOptions {
  /**
   * Longest a scrape waits for the read. Prometheus gives up on the whole scrape after its
   * scrape_timeout (10 s here), which would also lose every other metric of the process and count it
   * as down; a slow Redis should cost only these series.
   */
  timeoutMs?: number;
  /** Told about a failed or timed-out read (log it); the scrape itself still succeeds. */
  onError?: (err: unknown) => void;
}

/**
 * Makes `gauge` read its values at scrape time: `read` runs on every GET /metrics and sets the gauge.
 * This is how the gateway exports queue depth (turnq_queue_jobs, turnq_sessions_with_pending_turns).
 * Partitions of one queue share its name, so they are summed into one `queue` label value:
 *
 *   setCollector(metrics.queueJobs, async (g) => {
 *     const totals = new Map<string, number>();
 *     for (const { name, queue } of queues.all()) {
 *       const counts = await queue.getJobCounts(...labelValues.queueState);
 *       for (const state of labelValues.queueState) {
 *         totals.set(`${name}|${state}`, (totals.get(`${name}|${state}`) ?? 0) + (counts[state] ?? 0));
 *       }
 *     }
 *     for (const [key, n] of totals) { const [queue, state] = key.split('|'); g.set({ queue, state }, n); }
 *   }, { onError: (err) => logger.warn({ err }, 'queue metrics unavailable') });
 *   setCollector(metrics.sessionsWithPendingTurns, async (g) => g.set(await countRunnableSessions()));
 *
 * Only one process should do it (the gateway); dashboards take `max` across instances so a second
 * gateway replica does not double the numbers. When `read` fails the gauge is emptied rather than left
 * at its last values or 0: a stale or zero depth that looks healthy is worse than a gap that alerts and
 * dashboards can see.
 */
export function setCollector<T extends string>(
  gauge: Gauge<T>,
  read: (gauge: Gauge<T>) => void | Promise<void>,
  opts: SetCollectorOptions = {},
): void {
  const timeoutMs = opts.timeoutMs ?? 5000;
  // prom-client calls `collect` (if set) with the gauge as `this` before serializing it.
  (gauge as unknown as { collect?: () => Promise<void> }).collect = async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`metrics collector timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => read(gauge)), timeout]);
    } catch (err) {
      gauge.reset();
      // reset() puts an unlabeled gauge back to 0, which reads as "nothing pending"; remove() drops it.
      if ((gauge as unknown as { labelNames: string[] }).labelNames.length === 0) (gauge as Gauge<string>).remove();
      opts.onError?.(err);
    } finally {
      clearTimeout(timer);
    }
  };
}
