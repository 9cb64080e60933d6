import { Router } from 'express';
import type { GatewayDeps } from '../gateway-deps';
import { sampleQueueGauges } from '../sample-queue-gauges';

/** How long a queue sample serves further scrapes: far below any scrape interval. */
export const SAMPLE_REUSE_MS = 1000;

export function healthRouter(deps: GatewayDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });

  // A PING slower than 3 s counts as down: long enough for a busy host, short of the Kubernetes
  // readiness probe's timeoutSeconds (deploy/k8s), so the probe hears turnq's 503 rather than a timeout.
  r.get('/readyz', async (_req, res) => {
    const ok = await Promise.race([
      deps.redis.ping().then((p) => p === 'PONG', () => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000).unref()),
    ]);
    if (!ok) res.setHeader('Retry-After', '5');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', redis: ok ? 'up' : 'down' });
  });

  // /metrics is open on the API port (contract), and a sample costs Redis a getJobCounts per queue and
  // partition: concurrent scrapes share one sample, and one is reused for SAMPLE_REUSE_MS, so a flood
  // of requests costs Redis one round a second rather than one per request.
  let sampled: { at: number; settled: boolean; done: Promise<void> } | null = null;
  const sample = (): Promise<void> => {
    if (sampled && (!sampled.settled || Date.now() - sampled.at < SAMPLE_REUSE_MS)) return sampled.done;
    const s = { at: Date.now(), settled: false, done: Promise.resolve() };
    s.done = sampleQueueGauges(deps)
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'queue sampling failed'))
      .finally(() => { s.settled = true; s.at = Date.now(); });
    sampled = s;
    return s.done;
  };
  r.get('/metrics', async (_req, res) => {
    await sample();
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
