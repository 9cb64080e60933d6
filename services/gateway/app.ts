import express, { type Express } from 'express';
import { authenticate } from './middleware/authenticate';
import { httpMetrics } from './middleware/http-metrics';
import { rateLimit } from './middleware/rate-limit';
import { HttpProblem, problemHandler } from './http-problem';
import { adminQueuesRouter } from './routes/admin-queues';
import { chatCompletionsRouter } from './routes/chat-completions';
import { healthRouter } from './routes/health';
import { memoriesRouter } from './routes/memories';
import { playgroundRouter } from './routes/playground';
import { sessionsRouter } from './routes/sessions';
import { turnEventsRouter } from './routes/turn-events';
import { turnsRouter } from './routes/turns';
import type { GatewayDeps } from './gateway-deps';

const KNOWN = [/^\/v1\/sessions$/, /^\/v1\/sessions\/[^/]+$/, /^\/v1\/sessions\/[^/]+\/(messages|turns)$/, /^\/v1\/turns\/[^/]+(\/events)?$/, /^\/(healthz|readyz|metrics)$/,
  /^\/$/, /^\/playground\/app\.(js|css)$/, /^\/v1\/chat\/completions$/, /^\/v1\/models(\/[^/]+)?$/,
  /^\/v1\/users\/[^/]+\/memories(\/[^/]+)?$/];

/** The HTTP API; no listen here (main.ts owns the server). */
export function createApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(httpMetrics(deps.metrics));
  // No route answers OPTIONS (no CORS: the playground is same-origin); Express would answer 200 itself.
  app.use((req, _res, next) => next(req.method === 'OPTIONS' ? new HttpProblem(405, `method: OPTIONS is not allowed on ${req.path}`) : undefined));
  app.use(healthRouter(deps));
  app.use(playgroundRouter());
  app.use(chatCompletionsRouter(deps));
  app.use(adminQueuesRouter(deps));
  app.use('/v1', authenticate(deps.apiKeys), rateLimit(deps.redis, deps.namespace, deps.rateLimitPerMinute));
  app.use(sessionsRouter(deps));
  app.use(turnsRouter(deps));
  app.use(turnEventsRouter(deps));
  app.use(memoriesRouter(deps));
  app.use((req, _res, next) => {
    const known = KNOWN.some((re) => re.test(req.path));
    next(known
      ? new HttpProblem(405, `method: ${req.method} is not allowed on ${req.path}`)
      : new HttpProblem(404, `path: no route ${req.method} ${req.path}`));
  });
  app.use(problemHandler(deps.logger));
  return app;
}
