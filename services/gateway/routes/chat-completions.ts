import { Router } from 'express';
import { confirmReplicated } from '../confirm-replicated';
import { dispatchTurn } from '../dispatch-turn';
import { storeUnavailable } from '../http-problem';
import { authenticate } from '../middleware/authenticate';
import { jsonBody } from '../middleware/json-body';
import { rateLimit } from '../middleware/rate-limit';
import { allowedMethods } from '../registered-routes';
import { idempotencyKey } from '../request-schemas';
import type { GatewayDeps } from '../gateway-deps';
import { answerTurn } from '../openai-compat/answer-turn';
import { chatCompletionRequest, parseOr400, turnInputOf } from '../openai-compat/chat-request';
import { OpenAiError, openAiErrorHandler } from '../openai-compat/openai-error';

const PATHS = ['/v1/chat/completions', '/v1/models'];

/**
 * OpenAI-compatible endpoints, so any OpenAI client can talk to turnq as a stateful drop-in. Mounted
 * before the problem+json /v1 stack and running the same authenticate and rateLimit itself, so that
 * every error of these paths, 401 and 429 included, comes in OpenAI's error shape.
 */
export function chatCompletionsRouter(deps: GatewayDeps): Router {
  const { store, logger } = deps;
  const model = deps.replyModel ?? 'gpt-4o-mini';
  const created = Math.floor(Date.now() / 1000);
  const modelObject = { id: model, object: 'model', created, owned_by: 'turnq' };
  const r = Router();
  r.use(PATHS, authenticate(deps.apiKeys), rateLimit(deps.redis, deps.namespace, deps.rateLimitPerMinute));

  r.get('/v1/models', (_req, res) => { res.json({ object: 'list', data: [modelObject] }); });
  r.get('/v1/models/:model', (req, res) => {
    if (req.params.model !== model) throw new OpenAiError(404, `The model '${req.params.model.slice(0, 256)}' does not exist`, 'invalid_request_error', 'model', 'model_not_found');
    res.json(modelObject);
  });

  /**
   * The session comes from X-Session-Id; without it one is created (system messages become its
   * systemPrompt) and returned in X-Session-Id. Only the last user message is the new turn: turnq keeps
   * the history, earlier messages are ignored. The turn takes the same store/queue path as
   * POST /v1/sessions/:id/turns. The requested `model` is ignored; the answer names the one that replied.
   */
  r.post('/v1/chat/completions', jsonBody, async (req, res) => {
    const tenant: string = res.locals.tenant;
    const body = parseOr400(chatCompletionRequest, req.body);
    const input = turnInputOf(body);
    const idemHeader = req.get('idempotency-key');
    const idem = idemHeader === undefined ? undefined : parseOr400(idempotencyKey, idemHeader, ['Idempotency-Key']);
    const named = req.get('x-session-id');
    let sessionId = named;
    if (sessionId === undefined) {
      sessionId = (await store.create(tenant, { systemPrompt: input.systemPrompt, userId: input.userId })).id;
      deps.metrics.sessionsCreated.inc(); // the same count as POST /v1/sessions: dashboards divide by it
    }
    const result = await store.submit(tenant, sessionId, { content: input.content, idempotencyKey: idem, maxPending: deps.maxPendingTurns });
    switch (result.kind) {
      case 'not_found':
        throw new OpenAiError(404, `No session ${JSON.stringify(sessionId.slice(0, 64))}`, 'invalid_request_error', 'X-Session-Id', 'session_not_found');
      case 'conflict':
        throw new OpenAiError(409, `Idempotency-Key: already used for turn ${result.turnId} with a different content`, 'invalid_request_error',
          'Idempotency-Key', 'idempotency_key_reused', { 'x-should-retry': 'false' });
      case 'too_many':
        throw new OpenAiError(429, `X-Session-Id: ${result.pending} turns are already pending (limit ${deps.maxPendingTurns})`, 'requests',
          null, 'too_many_pending_turns', { 'Retry-After': '2' });
      case 'late':
        throw storeUnavailable();
      case 'created':
        if (result.dispatch) await dispatchTurn(deps, result.dispatch);
    }
    await confirmReplicated(deps, sessionId);
    res.set({ 'X-Session-Id': sessionId, 'X-Turn-Id': result.turn.turnId });
    await answerTurn(deps, res, { tenant, turn: result.turn, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true, model });
  });

  r.use(PATHS, (req) => {
    const path = req.originalUrl.split('?')[0];
    const allow = allowedMethods(req.app, path);
    throw allow.length && !allow.includes(req.method)
      ? new OpenAiError(405, `method: ${req.method} is not allowed on ${path}; use ${allow.join(', ')}`, 'invalid_request_error', null, 'method_not_allowed', { Allow: allow.join(', ') })
      : new OpenAiError(404, `path: no route ${req.method} ${path}`, 'invalid_request_error', null, 'not_found');
  });
  r.use(openAiErrorHandler(logger));
  return r;
}
