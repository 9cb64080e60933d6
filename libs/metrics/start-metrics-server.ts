import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from './create-metrics';

export interface HealthReport {
  ok: boolean;
  detail?: Record<string, unknown>;
}

export interface MetricsServerOptions {
  port: number;
  /** Default: every interface, which a worker in a container needs for Prometheus to reach it. */
  host?: string;
  metrics: Metrics;
  /** The worker's own liveness (progress, worker.isRunning()); without it /healthz only says "alive". */
  health?: () => Promise<HealthReport>;
}

/**
 * The workers' only HTTP surface: GET /metrics and GET /healthz. Plain node:http rather than express
 * because it is two routes and must keep answering while the worker is busy. Resolves once listening;
 * the caller owns the server and closes it on shutdown (style rule 5).
 */
export function startMetricsServer(opts: MetricsServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, problem(500, 'Internal Server Error', errorMessage(err)));
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function handle(opts: MetricsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/metrics') {
    const body = await opts.metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': opts.metrics.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(body);
    return;
  }
  if (req.method === 'GET' && path === '/healthz') {
    let report: HealthReport;
    try {
      report = opts.health ? await opts.health() : { ok: true };
    } catch (err) {
      // A health check that throws is itself a reason to be restarted.
      report = { ok: false, detail: { error: errorMessage(err) } };
    }
    sendJson(res, report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unhealthy', ...(report.detail ? { detail: report.detail } : {}) });
    return;
  }
  sendJson(res, 404, problem(404, 'Not Found', `no route for ${req.method} ${path}; this server answers GET /metrics and GET /healthz`));
}

function problem(status: number, title: string, detail: string) {
  return { type: 'about:blank', title, status, detail };
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const contentType = status >= 400 && 'title' in body ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
