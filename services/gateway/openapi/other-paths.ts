import * as ex from './examples';
import { exampleMap } from './components';
import { json, ref } from './paths';

type Json = Record<string, unknown>;
const openAiErrors = (description: string, examples: Record<string, unknown>) => ({ description, ...json('OpenAiError', examples) });
const noAuth: unknown[] = [];
const page = (operationId: string, summary: string, description: string, type = 'text/html') =>
  ({ get: { operationId, tags: ['Pages'], summary, description, security: noAuth, responses: { 200: { description: 'The page.', content: { [type]: { schema: { type: 'string' } } } } } } });

/** OpenAI's API as turnq speaks it: errors in OpenAI's shape, the history kept by turnq. */
export const openAiPaths: Json = {
  '/v1/chat/completions': {
    post: {
      operationId: 'createChatCompletion', tags: ['OpenAI-compatible'], summary: 'Chat completion (OpenAI format), turnq keeping the history',
      description: 'Send only the new user message: it becomes a turn of the session named by X-Session-Id (a new one without it), through the same queue and order as any turn. '
        + '`stream: true` answers with `chat.completion.chunk` events and `data: [DONE]`. A model failure is 502 `upstream_error`.',
      parameters: [{ $ref: '#/components/parameters/XSessionIdRequest' }, { $ref: '#/components/parameters/IdempotencyKey' }],
      requestBody: { required: true, ...json('ChatCompletionRequest', {
        english: { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello!' }] },
        korean: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: '안녕하세요! 처음 뵙겠습니다.' }] },
        noUserMessage: { messages: [{ role: 'system', content: 'Be brief.' }] },
      }) },
      responses: {
        200: {
          description: 'The completion; a stream of chunks with `stream: true`.',
          headers: { 'X-Session-Id': ref('headers', 'XSessionId'), 'X-Turn-Id': ref('headers', 'XTurnId') },
          content: {
            'application/json': { schema: ref('schemas', 'ChatCompletion'), examples: exampleMap({ english: ex.chatCompletion }) },
            'text/event-stream': {
              schema: { type: 'string', description: '`data: <ChatCompletionChunk>` lines, then `data: [DONE]`.', contentSchema: { type: 'array', items: ref('schemas', 'ChatCompletionChunk') } },
              examples: exampleMap({ korean: ex.chunkStream }),
            },
          },
        },
        400: openAiErrors('Bad request in OpenAI\'s shape; `param` names the field.', { noUserMessage: ex.openAiError('messages: must contain a user message (it becomes the new turn)', 'messages', 'invalid_value') }),
        401: openAiErrors('No key or a bad key.', {}),
        404: openAiErrors('X-Session-Id names no session of this tenant.', {}),
        409: openAiErrors('The Idempotency-Key was used with a different content, or the turn was cancelled.', {}),
        413: openAiErrors('A body over 64 KiB.', {}),
        415: openAiErrors('A body that is not JSON.', {}),
        429: { ...openAiErrors('Too many pending turns, or the rate limit.', {}), headers: { 'Retry-After': ref('headers', 'RetryAfter') } },
        502: openAiErrors('The model failed after turnq\'s retries (`x-should-retry: false`).', {}),
        503: { ...openAiErrors('Redis is unreachable.', {}), headers: { 'Retry-After': ref('headers', 'RetryAfter') } },
      },
    },
  },
  '/v1/models': {
    get: {
      operationId: 'listModels', tags: ['OpenAI-compatible'], summary: 'List the reply model',
      responses: { 200: { description: 'The configured TURNQ_MODEL.', ...json('ModelList', { models: ex.models }) }, 401: openAiErrors('No key or a bad key.', {}) },
    },
  },
  '/v1/models/{model}': {
    get: {
      operationId: 'getModel', tags: ['OpenAI-compatible'], summary: 'Read the reply model',
      parameters: [{ name: 'model', in: 'path', required: true, schema: { type: 'string' }, examples: exampleMap({ model: 'gpt-4o-mini', unknownModel: 'gpt-0' }) }],
      responses: {
        200: { description: 'The model.', ...json('Model', { model: ex.models.data[0] }) },
        401: openAiErrors('No key or a bad key.', {}),
        404: openAiErrors('Not the configured model.', { unknownModel: ex.openAiError("The model 'gpt-0' does not exist", 'model', 'model_not_found') }),
      },
    },
  },
};

/** Probes, metrics and the pages the gateway serves; no key needed. */
export const operationPaths: Json = {
  '/healthz': { get: { operationId: 'health', tags: ['Operations'], summary: 'Liveness', security: noAuth, responses: { 200: { description: 'The process is alive.', ...json('Health', { ok: { status: 'ok' } }) } } } },
  '/readyz': {
    get: {
      operationId: 'readiness', tags: ['Operations'], summary: 'Readiness', security: noAuth,
      responses: {
        200: { description: 'Redis answers.', ...json('Readiness', { ready: { status: 'ready', redis: 'up' } }) },
        503: { description: 'Redis is unreachable.', headers: { 'Retry-After': ref('headers', 'RetryAfter') }, ...json('Readiness', { down: { status: 'unavailable', redis: 'down' } }) },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics', tags: ['Operations'], summary: 'Prometheus metrics', security: noAuth,
      responses: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openApiDocument', tags: ['Pages'], summary: 'This document', security: noAuth,
      responses: { 200: { description: 'OpenAPI 3.1, generated from the schemas the gateway validates with.', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  },
  '/docs': page('apiReference', 'API reference page', 'This document rendered by Swagger UI, served by the gateway itself (works offline).'),
  '/docs/assets/{file}': {
    get: {
      operationId: 'apiReferenceAsset', tags: ['Pages'], summary: 'Scripts and styles of the reference page', security: noAuth,
      parameters: [{ name: 'file', in: 'path', required: true, schema: { enum: ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs.js'] } }],
      responses: { 200: { description: 'The file.', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }, 404: { description: 'Not one of these files.' } },
    },
  },
  '/': page('playground', 'Web playground', 'A chat page for trying turnq in a browser; the key typed into it stays in the tab.'),
  '/playground/app.js': page('playgroundScript', 'Playground script', 'The playground\'s script.', 'text/javascript'),
  '/playground/app.css': page('playgroundStyle', 'Playground style', 'The playground\'s style sheet.', 'text/css'),
  '/playground/fonts/{file}': {
    get: {
      operationId: 'playgroundFont', tags: ['Pages'], summary: 'Playground font slice',
      description: 'Noto Sans KR (weights 400 and 700), self-hosted so the page shows Hangul offline and on a system without a Korean font. '
        + 'The style sheet\'s @font-face rules name these WOFF2 slices, each covering a unicode-range. Cached for a day.',
      security: noAuth,
      parameters: [{
        name: 'file', in: 'path', required: true, description: 'A file named by /playground/app.css.',
        schema: { type: 'string' }, examples: exampleMap({ font: 'noto-sans-kr-0-400-normal.woff2', unknownFont: 'comic-sans.woff2' }),
      }],
      responses: {
        200: { description: 'The font slice.', content: { 'font/woff2': { schema: { type: 'string', format: 'binary' } } } },
        404: { description: 'Not a file the style sheet names.', ...json('Problem', { unknownFont: ex.problem(404, 'Not Found', 'path: no font file "comic-sans.woff2"') }, 'application/problem+json') },
      },
    },
  },
  '/admin/queues': {
    get: {
      operationId: 'queueBoard', tags: ['Operations'], summary: 'Queue board (bull-board, read-only)',
      description: 'Exists only when TURNQ_ADMIN_KEY is set (otherwise 404). The board\'s own JSON under this path belongs to bull-board and is not part of this API.',
      security: [{ adminKey: [] }, { adminBasic: [] }],
      responses: { 200: { description: 'The board.', content: { 'text/html': { schema: { type: 'string' } } } }, 401: { description: 'No or a wrong admin key.' }, 404: { description: 'TURNQ_ADMIN_KEY is not set.' } },
    },
  },
};
