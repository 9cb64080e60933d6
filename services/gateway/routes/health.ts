import { Router } from 'express';
import type { GatewayDeps } from '../gateway-deps';
import { sampleQueueGauges } from '../sample-queue-gauges';

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

  r.get('/metrics', async (_req, res) => {
    await sampleQueueGauges(deps).catch((err: Error) => deps.logger.warn({ err: err.message }, 'queue sampling failed'));
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
