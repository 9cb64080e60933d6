import { Router } from 'express';
import { HttpProblem } from '../http-problem';
import { jsonBody } from '../middleware/json-body';
import { createSessionBody, messagesQuery, parseOr400, singleValued } from '../request-schemas';
import type { GatewayDeps } from '../gateway-deps';

const notFound = (id: string) => new HttpProblem(404, `sessionId: no session ${JSON.stringify(id.slice(0, 64))}`);

export function sessionsRouter({ store, metrics }: GatewayDeps): Router {
  const r = Router();

  r.post('/v1/sessions', jsonBody, async (req, res) => {
    const body = parseOr400(createSessionBody, req.body, 'body');
    const session = await store.create(res.locals.tenant, body);
    metrics.sessionsCreated.inc();
    res.status(201).location(`/v1/sessions/${session.id}`).json(session);
  });

  r.get('/v1/sessions/:id', async (req, res) => {
    const session = await store.get(res.locals.tenant, req.params.id);
    if (!session) throw notFound(req.params.id);
    res.json(session);
  });

  r.delete('/v1/sessions/:id', async (req, res) => {
    if (!(await store.remove(res.locals.tenant, req.params.id))) throw notFound(req.params.id);
    res.status(204).end();
  });

  r.get('/v1/sessions/:id/messages', async (req, res) => {
    const q = parseOr400(messagesQuery, singleValued(req.query), 'query');
    const page = await store.messages(res.locals.tenant, req.params.id, q);
    if (page === 'not_found') throw notFound(req.params.id);
    if (page === 'bad_before') throw new HttpProblem(400, 'query.before: not a message of this session');
    res.json(page);
  });

  return r;
}
