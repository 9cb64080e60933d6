import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createMetrics, startMetricsServer, type HealthReport } from './index';

describe('startMetricsServer', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function start(health?: () => Promise<HealthReport>): Promise<string> {
    const metrics = createMetrics({ service: 'intent-worker', defaultMetrics: false });
    metrics.turnsTotal.inc({ outcome: 'completed' });
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', metrics, health });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('serves the registry in the Prometheus text format on GET /metrics', async () => {
    const res = await fetch(`${await start()}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('turnq_turns_total{outcome="completed",service="intent-worker"} 1');
  });

  it('answers GET /healthz with 200 when no health check is given', async () => {
    const res = await fetch(`${await start()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers GET /healthz with 503 and the detail when the health check says not ok', async () => {
    const base = await start(async () => ({ ok: false, detail: { waitingWithoutProgressMs: 90000 } }));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unhealthy', detail: { waitingWithoutProgressMs: 90000 } });
  });

  it('answers GET /healthz with 503 when the health check throws', async () => {
    const res = await fetch(`${await start(async () => { throw new Error('redis down'); })}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unhealthy', detail: { error: 'redis down' } });
  });

  it.each([['GET', '/nope'], ['POST', '/metrics'], ['GET', '/']])('answers %s %s with a 404 problem+json', async (method, path) => {
    const res = await fetch(`${await start()}${path}`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('rejects when the port is taken instead of crashing the process later', async () => {
    const base = await start();
    const port = Number(new URL(base).port);
    const metrics = createMetrics({ service: 'intent-worker', defaultMetrics: false });
    await expect(startMetricsServer({ port, host: '127.0.0.1', metrics })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
