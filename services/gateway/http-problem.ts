import type { ErrorRequestHandler, Response } from 'express';
import { isRedisUnavailable } from '#libs/redis';
import type { Logger } from '#libs/logger';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem: thrown by handlers, rendered by problemHandler. `detail` names the offending field. */
export class HttpProblem extends Error {
  constructor(readonly status: number, readonly detail: string, readonly headers: Record<string, string> = {}, readonly type = 'about:blank') {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** Redis could not take the request in time (down, or a shard failing over): retry, with the same Idempotency-Key for a submit. */
export const storeUnavailable = (): HttpProblem => new HttpProblem(503, 'storage: Redis is unreachable; try again shortly', { 'Retry-After': '5' });

export function sendProblem(res: Response, p: HttpProblem): void {
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  res.status(p.status).type('application/problem+json')
    .send(JSON.stringify({ type: p.type, title: TITLES[p.status] ?? 'Error', status: p.status, detail: p.detail }));
}

/** Maps body-parser errors, Redis outages and everything else to problem+json. Every 5xx is logged as a bug, except 503. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) { res.destroy(); return; }
    if (err instanceof HttpProblem) return sendProblem(res, err);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return sendProblem(res, new HttpProblem(413, 'body: the request body is over 64 KiB'));
    if (e.type === 'entity.parse.failed') return sendProblem(res, new HttpProblem(400, 'body: not valid JSON'));
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return sendProblem(res, new HttpProblem(415, `content-type: ${e.message}`));
    if (e.type === 'request.aborted') { res.destroy(); return; }
    if (e.status && e.status >= 400 && e.status < 500) return sendProblem(res, new HttpProblem(e.status, e.message ?? 'bad request'));
    if (isRedisUnavailable(err)) return sendProblem(res, storeUnavailable());
    logger.error({ err: e.message, stack: (err as Error).stack, method: req.method, path: req.route?.path }, 'unhandled error');
    sendProblem(res, new HttpProblem(500, 'internal: an unexpected error occurred'));
  };
}
