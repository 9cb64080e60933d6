import { Router } from 'express';
import { isMemoryId } from '#libs/memory';
import { LlmError } from '#libs/llm';
import { HttpProblem } from '../http-problem';
import { jsonBody } from '../middleware/json-body';
import { addMemoryBody, memoriesQuery, parseOr400, singleValued, userIdParam } from '../request-schemas';
import type { GatewayDeps } from '../gateway-deps';

/**
 * A user's long-term memory, tenant-scoped like sessions: the user is (tenant, userId), so another
 * tenant's same userId is another user — an empty list, 404 on ids. Checks run in the contract's order.
 */
export function memoriesRouter({ memory }: GatewayDeps): Router {
  const r = Router();
  const notFound = (id: string) => new HttpProblem(404, `memoryId: no memory ${JSON.stringify(id.slice(0, 64))}`);

  r.get('/v1/users/:userId/memories', async (req, res) => {
    const userId = parseOr400(userIdParam, req.params.userId, 'path.userId');
    const q = parseOr400(memoriesQuery, singleValued(req.query), 'query');
    const page = await memory.store.list(res.locals.tenant, userId, q);
    if (page === 'bad_before') throw new HttpProblem(400, 'query.before: not a memory of this user');
    res.json(page);
  });

  r.post('/v1/users/:userId/memories', jsonBody, async (req, res) => {
    const userId = parseOr400(userIdParam, req.params.userId, 'path.userId');
    const body = parseOr400(addMemoryBody, req.body, 'body');
    let vector: Float32Array;
    try {
      vector = await memory.embed(body.text);
    } catch (err) {
      // the embedding provider, not turnq, failed: nothing is stored and the caller may retry
      if (err instanceof LlmError) throw new HttpProblem(503, `embedding: the embedding model could not be reached (${err.type}); try again shortly`, { 'Retry-After': '5' });
      throw err;
    }
    const created = await memory.store.add(res.locals.tenant, userId, { text: body.text, kind: body.kind, vector });
    res.status(201).location(`/v1/users/${encodeURIComponent(userId)}/memories/${created.id}`).json(created);
  });

  r.delete('/v1/users/:userId/memories/:memoryId', async (req, res) => {
    const userId = parseOr400(userIdParam, req.params.userId, 'path.userId');
    if (!isMemoryId(req.params.memoryId) || !(await memory.store.remove(res.locals.tenant, userId, req.params.memoryId))) throw notFound(req.params.memoryId);
    res.status(204).end();
  });

  r.delete('/v1/users/:userId/memories', async (req, res) => {
    const userId = parseOr400(userIdParam, req.params.userId, 'path.userId');
    await memory.store.removeAll(res.locals.tenant, userId);
    res.status(204).end();
  });

  return r;
}
