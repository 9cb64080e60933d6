import createClient from 'openapi-fetch';
import { startStack, type Stack } from '../start-stack';
import type { components, paths } from './turnq-api';

/*
 * A client made from the document alone: openapi-typescript's types of docs/openapi.json (regenerated
 * by `npm run openapi`, checked current by openapi-document.test.ts) and openapi-fetch. `npm test`
 * typechecks this file, so a path, parameter or field the document lost would fail to compile here.
 */
type Turn = components['schemas']['Turn'];

describe('a client generated from docs/openapi.json', () => {
  let stack: Stack;
  const KEY = 'gen-key';
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_API_KEYS: `${KEY}=t1` } });
  }, 60_000);
  afterAll(async () => { await stack?.stop(); });

  it('creates a session, submits a turn with ?wait, and reads the turn and the history back', async () => {
    const turnq = createClient<paths>({ baseUrl: stack.baseUrl, headers: { authorization: `Bearer ${KEY}` } });

    const created = await turnq.POST('/v1/sessions', { body: { userId: 'user-42', systemPrompt: '당신은 친절한 상담원입니다.', metadata: { channel: 'sdk' } } });
    expect(created.response.status).toBe(201);
    const sessionId = created.data!.id;
    expect(created.data!.state).toBe('greeting');

    const submitted = await turnq.POST('/v1/sessions/{sessionId}/turns', {
      params: { path: { sessionId }, query: { wait: 30 }, header: { 'Idempotency-Key': 'first-turn' } },
      body: { content: '안녕하세요! 처음 뵙겠습니다.' },
    });
    expect(submitted.response.status).toBe(200);
    const turn: Turn = submitted.data!;
    expect(turn).toMatchObject({ sessionId, seq: 1, status: 'completed', intent: { label: 'greeting', method: 'keyword' } });
    expect(submitted.response.headers.get('location')).toBe(`/v1/turns/${turn.turnId}`);

    const read = await turnq.GET('/v1/turns/{turnId}', { params: { path: { turnId: turn.turnId } } });
    expect(read.data).toEqual(turn);

    const page = await turnq.GET('/v1/sessions/{sessionId}/messages', { params: { path: { sessionId }, query: { limit: 10 } } });
    expect(page.data!.messages.map((m) => [m.role, m.content])).toEqual([['user', '안녕하세요! 처음 뵙겠습니다.'], ['assistant', turn.response]]);
    expect(page.data!.nextBefore).toBeNull();

    const session = await turnq.GET('/v1/sessions/{sessionId}', { params: { path: { sessionId } } });
    expect(session.data).toMatchObject({ id: sessionId, messageCount: 2, pendingTurns: 0, metadata: { channel: 'sdk' } });
  });

  it('gets the documented problem body as a typed error', async () => {
    const turnq = createClient<paths>({ baseUrl: stack.baseUrl, headers: { authorization: `Bearer ${KEY}` } });
    const missing = await turnq.GET('/v1/sessions/{sessionId}', { params: { path: { sessionId: 'ses_00000000000000000000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ type: 'about:blank', status: 404, title: 'Not Found' });
    const unauthenticated = createClient<paths>({ baseUrl: stack.baseUrl });
    const refused = await unauthenticated.POST('/v1/sessions', { body: {} });
    expect(refused.response.status).toBe(401);
    expect(refused.error?.detail).toBe('authorization: a Bearer key is required');
  });
});
