import type { RequestHandler } from 'express';
import type { Metrics } from '#libs/metrics';

/** Route label is the template (`/v1/turns/:turnId`), never the concrete path: labels stay a closed set. */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const path: unknown = req.route?.path;
      // a mounted app (bull-board) may route on a list of paths: label it by its mount point
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` : path ? `${req.baseUrl}/*` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  };
}
