import { z } from 'zod';
import * as req from '../request-schemas';
import * as res from '../response-schemas';
import * as oai from './openai-schemas';
import * as ex from './examples';

type Json = Record<string, unknown>;

/** A zod schema as a JSON Schema 2020-12 fragment (the dialect of OpenAPI 3.1), without the `$schema` line. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** Every named schema; requests are described as the gateway accepts them (input), responses as it sends them (output). */
function schemas(): Json {
  const requests = z.registry<{ id: string }>();
  requests.add(req.createSessionBody, { id: 'CreateSessionRequest' });
  requests.add(req.submitTurnBody, { id: 'SubmitTurnRequest' });
  requests.add(req.addMemoryBody, { id: 'AddMemoryRequest' });
  const responses = z.registry<{ id: string }>();
  const named: Array<[z.ZodType, string]> = [
    [res.session, 'Session'], [res.message, 'Message'], [res.messagePage, 'MessagePage'], [res.turn, 'Turn'],
    [res.problem, 'Problem'], [res.statusEventData, 'StatusEventData'], [res.deltaEventData, 'DeltaEventData'], [res.goneEventData, 'GoneEventData'],
    [res.health, 'Health'], [res.readiness, 'Readiness'], [res.memory, 'Memory'], [res.memoryPage, 'MemoryPage'],
    [oai.chatCompletion, 'ChatCompletion'], [oai.chatCompletionChunk, 'ChatCompletionChunk'], [oai.model, 'Model'],
    [oai.modelList, 'ModelList'], [oai.openAiError, 'OpenAiError'],
  ];
  for (const [schema, id] of named) responses.add(schema, { id });
  const uri = (id: string) => `#/components/schemas/${id}`;
  const strip = (all: Json) => Object.fromEntries(Object.entries(all).map(([k, v]) => {
    const { $schema: _, $id: __, ...rest } = v as Json;
    return [k, rest];
  }));
  return {
    ...strip(z.toJSONSchema(requests, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri }).schemas as Json),
    ...strip(z.toJSONSchema(responses, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any', uri }).schemas as Json),
    ChatCompletionRequest: chatRequestSchema(),
    TurnEvent: turnEventSchema(),
  };
}

/** OpenAI's request, documented by the fields turnq reads; other fields are accepted and ignored (see openai-compat/chat-request.ts). */
function chatRequestSchema(): Json {
  return {
    type: 'object', required: ['messages'], additionalProperties: true,
    description: 'OpenAI\'s chat request. Only the last `user` message becomes the turn; `system`/`developer` messages seed a new session\'s systemPrompt; sampling fields are accepted and ignored.',
    properties: {
      model: { type: 'string', maxLength: 256, description: 'Accepted and ignored: the configured TURNQ_MODEL answers.' },
      messages: {
        type: 'array', minItems: 1,
        items: {
          type: 'object', required: ['role'], additionalProperties: true,
          properties: {
            role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
            content: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { const: 'text' }, text: { type: 'string' } } } }, { type: 'null' }] },
          },
        },
      },
      stream: { type: ['boolean', 'null'] },
      stream_options: { type: ['object', 'null'], properties: { include_usage: { type: 'boolean' } } },
      n: { type: ['integer', 'null'], const: 1, description: 'turnq answers with one choice.' },
      tools: { type: ['array', 'null'], maxItems: 0, description: 'Not supported: an empty list or nothing.' },
      user: { type: 'string', minLength: 1, maxLength: 128, description: 'Becomes a new session\'s userId.' },
    },
  };
}

const jsonData = (ref: string) => ({ type: 'string', contentMediaType: 'application/json', contentSchema: { $ref: `#/components/schemas/${ref}` } });

/** One Server-Sent Event of a turn: `id:` counts from 1, `event:` names it, `data:` is JSON. */
function turnEventSchema(): Json {
  const event = (name: string, ref: string, description: string, withId = true) => ({
    type: 'object', required: [...(withId ? ['id'] : []), 'event', 'data'], description,
    properties: { ...(withId ? { id: { type: 'integer', minimum: 1 } } : {}), event: { const: name }, data: jsonData(ref) },
  });
  return {
    description: 'One event of `GET /v1/turns/{turnId}/events`, as the `id:`, `event:` and `data:` lines of a text/event-stream.',
    oneOf: [
      event('status', 'StatusEventData', 'The turn changed status or stage. `restarted: true`: the reply starts over; discard the deltas so far.'),
      event('delta', 'DeltaEventData', 'The next piece of the reply; the pieces joined equal the Turn\'s `response`.'),
      event('done', 'Turn', 'The last event: the ended Turn. The server closes the stream after it.'),
      event('gone', 'GoneEventData', 'Instead of `done` when the turn\'s session was deleted or expired; it has no `id:` (it is not one of the turn\'s events). The server closes the stream after it.', false),
    ],
  };
}

const param = (name: string, where: 'path' | 'query' | 'header', schema: Json, description: string, extra: Json = {}) =>
  ({ name, in: where, required: where === 'path', description, schema, ...extra });

export function parameters(): Record<string, Json> {
  return {
    SessionId: param('sessionId', 'path', { type: 'string', maxLength: 64 }, 'A session id (`ses_…`).',
      { examples: { session: { value: ex.ids.session } } }),
    TurnId: param('turnId', 'path', { type: 'string', maxLength: 64 }, 'A turn id (`trn_…`); it embeds its session\'s id.',
      { examples: { turn: { value: ex.ids.turn } } }),
    Wait: param('wait', 'query', jsonSchemaOf(req.submitTurnQuery.shape.wait.unwrap(), 'input'), 'Hold the answer until the turn ends, at most this many seconds: 200 with the ended Turn, else 202 when the time runs out.'),
    Limit: param('limit', 'query', jsonSchemaOf(req.messagesQuery.shape.limit, 'input'), 'Messages per page.'),
    Before: param('before', 'query', jsonSchemaOf(req.messagesQuery.shape.before.unwrap(), 'input'), 'A page\'s `nextBefore`: returns the messages older than that one. An id not of this session is a 400.'),
    IdempotencyKey: param('Idempotency-Key', 'header', jsonSchemaOf(req.idempotencyKey, 'input'),
      'The same key on the same session within 24 h returns the same turn (answered like GET /v1/turns/{turnId}, `wait` applying) and creates nothing; with a different `content` it is a 409.'),
    LastEventId: param('Last-Event-ID', 'header', { type: 'string', pattern: '^[0-9]{1,9}$' }, 'Resume after this event id: every later event is sent exactly once. `?lastEventId=` works too, for clients that cannot set headers.'),
    LastEventIdQuery: param('lastEventId', 'query', { type: 'string', pattern: '^[0-9]{1,9}$' }, 'The same as the Last-Event-ID header, for EventSource-less clients.'),
    XSessionIdRequest: param('X-Session-Id', 'header', { type: 'string', maxLength: 64 }, 'Continue this session; without it a new session is created and named in the answer\'s X-Session-Id.'),
  };
}

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });

function headers(): Json {
  return {
    Location: header('The path of the resource (`/v1/turns/{turnId}`, `/v1/sessions/{id}`).'),
    RetryAfter: header('Seconds to wait before trying again.', { type: 'integer', minimum: 1 }),
    XSessionId: header('The session this completion belongs to: send it back as X-Session-Id to continue the conversation.'),
    XTurnId: header('The turn this completion answers; GET /v1/turns/{turnId} reads it.'),
    WWWAuthenticate: header('`Bearer`: the scheme to authenticate with.'),
  };
}

const problem = (description: string, examples: Record<string, unknown>, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, examples: exampleMap(examples) } },
});

/** `{ name: value }` as OpenAPI's named examples. */
export function exampleMap(values: Record<string, unknown>): Json {
  return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }]));
}

function responses(): Json {
  const retry = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
  return {
    Unauthorized: problem('No key, or not a key of TURNQ_API_KEYS (only when auth is on).',
      { unauthorized: ex.problem(401, 'Unauthorized', 'authorization: a Bearer key is required') },
      { 'WWW-Authenticate': { $ref: '#/components/headers/WWWAuthenticate' } }),
    UnsupportedMediaType: problem('A body that is not JSON (or not UTF-8).',
      { unsupportedMediaType: ex.problem(415, 'Unsupported Media Type', 'content-type: expected application/json, got text/plain') }),
    ContentTooLarge: problem('A body over 64 KiB.', { contentTooLarge: ex.problem(413, 'Content Too Large', 'body: the request body is over 64 KiB') }),
    ServiceUnavailable: problem('Redis is unreachable; nothing was stored.',
      { serviceUnavailable: ex.problem(503, 'Service Unavailable', 'storage: Redis is unreachable; try again shortly') }, retry),
    RateLimited: problem('This key\'s TURNQ_RATE_LIMIT_PER_MINUTE is used up.',
      { rateLimited: ex.problem(429, 'Too Many Requests', 'authorization: the rate limit of 600 requests per minute is used up') }, retry),
    SessionNotFound: problem('No such session for this tenant: unknown, expired, deleted or another tenant\'s.',
      { unknownSession: ex.problem(404, 'Not Found', `sessionId: no session "${ex.ids.unknownSession}"`) }),
    TurnNotFound: problem('No such turn for this tenant.', { unknownTurn: ex.problem(404, 'Not Found', `turnId: no turn "${ex.ids.unknownTurn}"`) }),
  };
}

export function components(): Record<string, Json> {
  return {
    schemas: schemas(),
    parameters: parameters(),
    headers: headers(),
    responses: responses(),
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'A key of TURNQ_API_KEYS (`key=tenant,…`); it names the tenant. Not needed when TURNQ_API_KEYS is unset.' },
      adminKey: { type: 'http', scheme: 'bearer', description: 'TURNQ_ADMIN_KEY.' },
      adminBasic: { type: 'http', scheme: 'basic', description: 'Any user name, TURNQ_ADMIN_KEY as the password (so a browser can log in).' },
    },
  };
}
