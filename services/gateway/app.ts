import express, { type Express, type Request } from 'express';
import { authenticate } from './middleware/authenticate';
import { httpMetrics } from './middleware/http-metrics';
import { rateLimit } from './middleware/rate-limit';
import { HttpProblem, problemHandler } from './http-problem';
import { allowedMethods } from './registered-routes';
import { adminQueuesRouter } from './routes/admin-queues';
import { apiDocsRouter } from './routes/api-docs';
import { chatCompletionsRouter } from './routes/chat-completions';
import { healthRouter } from './routes/health';
import { memoriesRouter } from './routes/memories';
import { playgroundRouter } from './routes/playground';
import { sessionsRouter } from './routes/sessions';
import { turnEventsRouter } from './routes/turn-events';
import { turnsRouter } from './routes/turns';
import type { GatewayDeps } from './gateway-deps';

/** A path no route has is 404; a path that has routes, hit with another method, is 405 with `Allow` (RFC 9110 §15.5.6). */
function noRoute(req: Request): HttpProblem {
  const allow = allowedMethods(req.app, req.path);
  // a route that matched the method but passed the request on (an unknown asset) is a plain 404
  return allow.length && !allow.includes(req.method)
    ? new HttpProblem(405, `method: ${req.method} is not allowed on ${req.path}; use ${allow.join(', ')}`, { Allow: allow.join(', ') })
    : new HttpProblem(404, `path: no route ${req.method} ${req.path}`);
}

/** The HTTP API; no listen here (main.ts owns the server). */
export function createApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(httpMetrics(deps.metrics));
  // No route answers OPTIONS (no CORS: the playground is same-origin); Express would answer 200 itself.
  app.use((req, _res, next) => next(req.method === 'OPTIONS' ? noRoute(req) : undefined));
  app.use(healthRouter(deps));
  app.use(apiDocsRouter());
  app.use(playgroundRouter({ auth: deps.apiKeys !== null }));
  app.use(chatCompletionsRouter(deps));
  app.use(adminQueuesRouter(deps));
  app.use('/v1', authenticate(deps.apiKeys), rateLimit(deps.redis, deps.namespace, deps.rateLimitPerMinute));
  app.use(sessionsRouter(deps));
  app.use(turnsRouter(deps));
  app.use(turnEventsRouter(deps));
  app.use(memoriesRouter(deps));
  app.use((req, _res, next) => next(noRoute(req)));
  app.use(problemHandler(deps.logger));
  return app;
}
