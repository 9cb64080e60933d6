import * as ex from './examples';
import { exampleMap, parameters } from './components';

type Json = Record<string, unknown>;

/*
 * The turnq-native operations. Convention the examples test relies on: a response example and the
 * request parts that produce it (a body example, a parameter example) share one name; a parameter
 * without an example of that name takes a live id from the test's own session.
 */

export const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
export const json = (schemaName: string, examples: Record<string, unknown> = {}, type = 'application/json') =>
  ({ content: { [type]: { schema: ref('schemas', schemaName), ...(Object.keys(examples).length ? { examples: exampleMap(examples) } : {}) } } });
const problems = (description: string, examples: Record<string, unknown>) => ({ description, ...json('Problem', examples, 'application/problem+json') });
/** A component parameter with this operation's examples. */
const param = (name: string, examples: Record<string, unknown> = {}) =>
  (Object.keys(examples).length ? { ...parameters()[name], examples: exampleMap(examples) } : ref('parameters', name));
const location = { Location: ref('headers', 'Location') };
const bad = (detail: string) => ex.problem(400, 'Bad Request', detail);

/** The problems every authenticated /v1 route can answer besides its own. */
const common = { 401: ref('responses', 'Unauthorized'), 429: ref('responses', 'RateLimited'), 503: ref('responses', 'ServiceUnavailable') };
const withBody = { 413: ref('responses', 'ContentTooLarge'), 415: ref('responses', 'UnsupportedMediaType') };
const unknownSession = { unknownSession: ex.ids.unknownSession };
const unknownTurn = { unknownTurn: ex.ids.unknownTurn };

const USER_ID = { name: 'userId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 128 }, description: 'Your id for the end user.' };

export const nativePaths: Json = {
  '/v1/users/{userId}/memories': {
    get: {
      operationId: 'listMemories', tags: ['Memory'], summary: "Page through a user's long-term memories",
      description: 'Newest first. The user is this userId within the caller\'s tenant: another tenant\'s same userId is another user.',
      parameters: [USER_ID, { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, examples: exampleMap({ page: 20, limitNotANumber: 'abc' }) },
        { name: 'before', in: 'query', required: false, schema: { type: 'string' }, description: "A page's `nextBefore`." }],
      responses: {
        200: { description: 'One page.', ...json('MemoryPage', { page: ex.memoryPage }) },
        400: problems('`limit` not an integer 1–200, or `before` not a memory of this user.', { limitNotANumber: bad('query.limit: expected an integer from 1 to 200, got "abc"') }),
        ...common,
      },
    },
    post: {
      operationId: 'addMemory', tags: ['Memory'], summary: 'Add a memory by hand',
      description: 'Embedded with TURNQ_EMBEDDING_MODEL and stored; beyond TURNQ_MEMORY_MAX_PER_USER the least recently used memory goes. 503 while the embedding model cannot be reached.',
      parameters: [USER_ID],
      requestBody: { required: true, ...json('AddMemoryRequest', {
        korean: { text: ex.koreanMemory.text, kind: 'preference' },
        english: { text: ex.englishMemory.text, kind: 'profile' },
        unknownKind: { text: 'Plays the piano.', kind: 'hobby' },
        blankText: { text: '' },
      }) },
      responses: {
        201: { description: 'The new Memory.', headers: location, ...json('Memory', { korean: ex.koreanMemory, english: ex.englishMemory }) },
        400: problems('A bad body; nothing is stored.', {
          unknownKind: bad('body.kind: expected one of profile, preference, fact, got "hobby"'),
          blankText: bad('body.text: must be 1-2000 characters'),
        }),
        ...withBody, ...common,
      },
    },
    delete: {
      operationId: 'deleteAllMemories', tags: ['Memory'], summary: "Forget everything about a user",
      description: 'Removes every memory of the user, with its vectors and bookkeeping: no key of the user is left, and an extraction already under way when the delete arrives writes nothing afterwards.',
      parameters: [USER_ID],
      responses: { 204: { description: 'Forgotten.' }, 400: problems('A bad userId.', {}), ...common },
    },
  },
  '/v1/users/{userId}/memories/{memoryId}': {
    delete: {
      operationId: 'deleteMemory', tags: ['Memory'], summary: 'Delete one memory',
      parameters: [USER_ID, { name: 'memoryId', in: 'path', required: true, schema: { type: 'string' }, examples: exampleMap({ unknownMemory: ex.memoryIds.unknownMemory }) }],
      responses: {
        204: { description: 'Deleted.' },
        404: problems('No such memory of this user.', { unknownMemory: ex.problem(404, 'Not Found', `memoryId: no memory "${ex.memoryIds.unknownMemory}"`) }),
        ...common,
      },
    },
  },
  '/v1/sessions': {
    post: {
      operationId: 'createSession', tags: ['Sessions'], summary: 'Create a session',
      description: 'Every field is optional; an empty body needs no content type. The session starts in state `greeting` and belongs to the caller\'s tenant.',
      requestBody: { required: false, ...json('CreateSessionRequest', {
        korean: { userId: 'user-42', systemPrompt: '당신은 친절한 상담원입니다.', metadata: { channel: 'web', 언어: '한국어' } },
        english: { userId: 'user-7', systemPrompt: 'Be brief.' },
        arrayBody: ['hello'],
        unknownField: { user: 'user-7' },
      }) },
      responses: {
        201: { description: 'The new Session.', headers: location, ...json('Session', { korean: ex.newSession, english: { ...ex.newSession, userId: 'user-7', systemPrompt: 'Be brief.', metadata: {} } }) },
        400: problems('Wrong type, unknown field or a value out of range; nothing is stored.', {
          arrayBody: bad('body: expected an object, got an array'),
          unknownField: bad('body.user: unknown field'),
        }),
        ...withBody, ...common,
      },
    },
  },
  '/v1/sessions/{sessionId}': {
    get: {
      operationId: 'getSession', tags: ['Sessions'], summary: 'Read a session',
      parameters: [param('SessionId', unknownSession)],
      responses: { 200: { description: 'The Session.', ...json('Session', { session: ex.session }) }, 404: ref('responses', 'SessionNotFound'), ...common },
    },
    delete: {
      operationId: 'deleteSession', tags: ['Sessions'], summary: 'Delete a session and all it owns',
      description: 'Removes the session, its messages, summary, queued turns, turn records and event lists.',
      parameters: [param('SessionId', unknownSession)],
      responses: { 204: { description: 'Deleted.' }, 404: ref('responses', 'SessionNotFound'), ...common },
    },
  },
  '/v1/sessions/{sessionId}/messages': {
    get: {
      operationId: 'listMessages', tags: ['Sessions'], summary: 'Page through the history',
      description: 'The first page holds the newest `limit` messages, oldest first within the page; its `nextBefore` as `before` gives the page before it.',
      parameters: [param('SessionId', unknownSession), param('Limit', { page: 20, limitNotANumber: 'abc' }), param('Before')],
      responses: {
        200: { description: 'One page.', ...json('MessagePage', { page: ex.messagePage }) },
        400: problems('`limit` not an integer 1–200, or `before` not a message of this session.', {
          limitNotANumber: bad('query.limit: expected an integer from 1 to 200, got "abc"'),
        }),
        404: ref('responses', 'SessionNotFound'), ...common,
      },
    },
  },
  '/v1/sessions/{sessionId}/turns': {
    post: {
      operationId: 'submitTurn', tags: ['Turns'], summary: 'Submit a user turn',
      description: 'Stores the turn and queues it behind the session\'s earlier turns (they run one at a time, in `seq` order). '
        + 'Answers 202 with the queued Turn at once, or with `wait` up to that many seconds: 200 with the ended Turn if it ended in time. '
        + 'Refused requests store nothing and reach no model.',
      parameters: [
        param('SessionId', unknownSession),
        param('Wait', { korean: 30, english: 0, waitNotANumber: 'abc' }),
        param('IdempotencyKey', { english: 'order-42', idempotencyConflict: 'order-42' }),
      ],
      requestBody: { required: true, ...json('SubmitTurnRequest', {
        korean: { content: '안녕하세요! 처음 뵙겠습니다.' },
        english: { content: 'Explain how a message queue works, step by step.' },
        contentNotAString: { content: 5 },
        blankContent: { content: ' \n\t ' },
        waitNotANumber: { content: 'hi' },
        unknownSession: { content: 'hi' },
        idempotencyConflict: { content: 'A different question under the same key' },
        tooManyPending: { content: '하나 더' },
      }) },
      responses: {
        200: { description: 'With `wait`: the turn ended in time. Also a repeated Idempotency-Key (the same turn, answered like GET /v1/turns/{turnId}).', headers: location, ...json('Turn', { korean: ex.completedTurn }) },
        202: { description: 'Accepted: the Turn, `queued` (or still running when `wait` ran out).', headers: location, ...json('Turn', { english: ex.queuedTurn }) },
        400: problems('Bad body, query or Idempotency-Key.', {
          contentNotAString: bad('body.content: expected a string, got 5'),
          blankContent: bad('body.content: must contain a non-whitespace character'),
          waitNotANumber: bad('query.wait: expected an integer from 0 to 60, got "abc"'),
        }),
        404: {
          description: 'No such session for this tenant; or, with `wait`, the session was deleted or expired while the turn ran (`turnId: no turn …`).',
          ...json('Problem', { unknownSession: ex.problem(404, 'Not Found', `sessionId: no session "${ex.ids.unknownSession}"`) }, 'application/problem+json'),
        },
        409: problems('The Idempotency-Key was used on this session for a different `content`.', {
          idempotencyConflict: ex.problem(409, 'Conflict', `header.Idempotency-Key: already used for turn ${ex.ids.turn} with a different content`),
        }),
        429: {
          description: 'TURNQ_MAX_PENDING_TURNS turns are already queued on this session, or this key\'s rate limit (TURNQ_RATE_LIMIT_PER_MINUTE) is used up.',
          headers: { 'Retry-After': ref('headers', 'RetryAfter') },
          ...json('Problem', { tooManyPending: ex.problem(429, 'Too Many Requests', 'sessionId: 20 turns are already pending (limit 20)') }, 'application/problem+json'),
        },
        ...withBody, 401: common[401], 503: common[503],
      },
    },
  },
  '/v1/turns/{turnId}': {
    get: {
      operationId: 'getTurn', tags: ['Turns'], summary: 'Read a turn',
      parameters: [param('TurnId', unknownTurn)],
      responses: { 200: { description: 'The Turn.', ...json('Turn', { turn: ex.completedTurn }) }, 404: ref('responses', 'TurnNotFound'), ...common },
    },
    delete: {
      operationId: 'cancelTurn', tags: ['Turns'], summary: 'Cancel a queued turn',
      description: 'Only a `queued` turn can be cancelled; it ends `cancelled` and the session goes on with the next one.',
      parameters: [param('TurnId', unknownTurn)],
      responses: {
        200: { description: 'The cancelled Turn.', ...json('Turn', { cancelQueued: ex.cancelledTurn }) },
        404: ref('responses', 'TurnNotFound'),
        409: problems('The turn is running or has ended.', { notQueued: ex.problem(409, 'Conflict', 'turnId: the turn is completed; only a queued turn can be cancelled') }),
        ...common,
      },
    },
  },
  '/v1/turns/{turnId}/events': {
    get: {
      operationId: 'streamTurnEvents', tags: ['Turns'], summary: 'Follow a turn as Server-Sent Events',
      description: 'Events `status`, `delta` and last `done` (the ended Turn), each with an `id:` from 1 up by one; the server closes the stream after `done`. '
        + 'A stream whose turn disappears (its session deleted or expired) ends instead with `gone` (no `id:`, data `{ reason: "session_gone", message }`). '
        + 'Without Last-Event-ID every event from the first; with it every later one exactly once; after the end, the whole stream at once. '
        + 'Comment lines (`: keep-alive`) keep idle connections open. Each event is a TurnEvent.',
      parameters: [param('TurnId', unknownTurn), param('LastEventId'), param('LastEventIdQuery')],
      responses: {
        200: {
          description: 'A text/event-stream of TurnEvent.',
          content: { 'text/event-stream': { schema: { type: 'string', description: 'Events separated by blank lines.', contentSchema: { type: 'array', items: ref('schemas', 'TurnEvent') } }, examples: exampleMap({ stream: ex.sseStream }) } },
        },
        404: ref('responses', 'TurnNotFound'), ...common,
      },
    },
  },
};
