import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '#libs/logger';
import { createMetrics } from '#libs/metrics';
import { createQueues, type Queues } from '#libs/queue';
import { createRedis } from '#libs/redis';
import { until } from '../../../test/support';
import type { GatewayDeps } from '../gateway-deps';
import { healthRouter, SAMPLE_REUSE_MS } from './health';

/**
 * /metrics needs no key on the API port (contract) and samples the queues in Redis: a flood of scrapes
 * must not become a flood of Redis calls. Real Redis and BullMQ queues; only our Queues interface is
 * wrapped, to count the samples.
 */
describe('GET /metrics', () => {
  const redis = createRedis(process.env.REDIS_URL!, 'worker');
  const namespace = `h${Math.random().toString(36).slice(2, 8)}`;
  const real = createQueues({ connection: redis, namespace, partitions: 4, attempts: 1, backoffMs: 10 });
  let samples = 0;
  const queues: Queues = { ...real, all: () => { samples++; return real.all(); } };
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const deps = { redis, queues, namespace, partitions: 4, metrics: createMetrics({ service: 'gateway', defaultMetrics: false }), logger: createLogger('test', 'silent') };
    const app = express().use(healthRouter(deps as unknown as GatewayDeps));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await real.close();
    redis.disconnect();
  });

  it('answers a burst of unauthenticated scrapes from at most one queue sample a second, and samples again later', async () => {
    await real.addTurn('intent', { sessionId: 'ses_x', seq: 1, turnId: 'trn_x_1', partition: 2 });
    const t0 = Date.now();
    const bodies = await Promise.all(Array.from({ length: 50 }, async () => {
      const r = await fetch(url);
      expect(r.status).toBe(200);
      return r.text();
    }));
    expect(samples).toBeLessThanOrEqual(1 + Math.floor((Date.now() - t0) / SAMPLE_REUSE_MS));
    for (const b of bodies) expect(b).toMatch(/turnq_queue_jobs\{queue="intent",state="waiting",service="gateway"\} 1/);
    // a later scrape sees the queues as they are then
    await real.addTurn('intent', { sessionId: 'ses_y', seq: 1, turnId: 'trn_y_1', partition: 1 });
    await until('a fresh sample', async () => /turnq_queue_jobs\{queue="intent",state="waiting",service="gateway"\} 2/.test(await (await fetch(url)).text()), 10_000, 100);
    expect(samples).toBeGreaterThanOrEqual(2);
  });
});
