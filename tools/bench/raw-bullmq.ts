import { Queue, Worker } from 'bullmq';
import { createRedis } from '#libs/redis';
import { round } from '../loadtest/percentiles';

export interface RawBullmqResult { jobs: number; seconds: number; jobsPerSec: number; concurrency: number; addsInFlight: number }

/**
 * The ceiling for any BullMQ design on this machine: no-op jobs through one queue on the same Redis,
 * added one by one (as a gateway adds a turn's job) with many adds in flight, processed by one worker
 * with turnq's default concurrency and job options. Producer and worker share this process, as a
 * turnq stage's worker shares its process with the next stage's producer.
 */
export async function measureRawBullmq(redisUrl: string, o: { jobs: number; concurrency: number; addsInFlight: number }): Promise<RawBullmqResult> {
  const prefix = `{bench-raw-${Math.random().toString(36).slice(2, 8)}}`;
  const producer = createRedis(redisUrl, 'worker');
  const consumer = createRedis(redisUrl, 'worker');
  const queue = new Queue('noop', { connection: producer, prefix });
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => { finish = r; });
  const worker = new Worker('noop', async () => undefined, { connection: consumer, prefix, concurrency: o.concurrency });
  worker.on('completed', () => { if (++done === o.jobs) finish(); });
  try {
    await worker.waitUntilReady();
    const options = { attempts: 4, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: o.addsInFlight }, async () => {
      while (next < o.jobs) {
        const i = next++;
        await queue.add('noop', { i }, options);
      }
    }));
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`raw BullMQ: only ${done} of ${o.jobs} jobs done after 120 s`)), 120_000); });
    await Promise.race([finished, stuck]).finally(() => clearTimeout(timer));
    const seconds = (performance.now() - t0) / 1000;
    return { jobs: o.jobs, seconds: round(seconds), jobsPerSec: round(o.jobs / seconds, 0), concurrency: o.concurrency, addsInFlight: o.addsInFlight };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}
