import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/** Each 400 says what was wrong, not only where; a wrong method names the right ones. */
describe('exact input errors', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0' } });
    api = client(stack.baseUrl);
  }, 60_000);
  afterAll(async () => { await stack?.stop(); });

  const prompts = async () => ((await (await fetch(`${stack.simUrl}/_sim/requests?limit=1000`)).json()) as { requests: unknown[] }).requests.length;

  it.each([
    ['a number as content', { content: 5 }, 'body.content: expected a string, got 5'],
    ['null as content', { content: null }, 'body.content: expected a string, got null'],
    ['an array body', ['hi'], 'body: expected an object, got an array'],
    ['a string body', 'hi', 'body: expected an object, got "hi"'],
    ['no content', {}, 'body.content: is required'],
  ])('a turn with %s is a 400 that says what was expected', async (_n, body, detail) => {
    const s = await api.session();
    const r = await api.http('POST', `/v1/sessions/${s.id}/turns`, { body });
    expect([r.status, r.json.detail]).toEqual([400, detail]);
  });

  it.each([[' '], ['\n\t  \r\n'], ['\u3000\u00a0']])('whitespace-only content %j is a 400; nothing is stored and no model is asked', async (content) => {
    const s = await api.session();
    const before = await prompts();
    const r = await api.http('POST', `/v1/sessions/${s.id}/turns?wait=5`, { body: { content } });
    expect([r.status, r.json.detail]).toEqual([400, 'body.content: must contain a non-whitespace character']);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json).toMatchObject({ pendingTurns: 0, messageCount: 0 });
    // a turn submitted afterwards is seq 1: the refused one took no place in the session
    const next = await api.submit(s.id, 'hello', '?wait=30');
    expect(next.json).toMatchObject({ seq: 1, status: 'completed' });
    expect(await prompts()).toBe(before + 1);
  });

  it('whitespace-only content through the OpenAI route is a 400 in OpenAI\'s shape', async () => {
    const r = await api.http('POST', '/v1/chat/completions', { body: { messages: [{ role: 'user', content: '   ' }] } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'messages[0].content', message: 'messages[0].content: must contain a non-whitespace character' });
  });

  it.each([
    ['limit=abc', 'query.limit: expected an integer from 1 to 200, got "abc"'],
    ['limit=0', 'query.limit: expected an integer from 1 to 200, got "0"'],
    ['limit=2.5', 'query.limit: expected an integer from 1 to 200, got "2.5"'],
    ['limit=201', 'query.limit: expected an integer from 1 to 200, got "201"'],
  ])('?%s on the history is a 400 naming the range', async (q, detail) => {
    const s = await api.session();
    const r = await api.http('GET', `/v1/sessions/${s.id}/messages?${q}`);
    expect([r.status, r.json.detail]).toEqual([400, detail]);
  });

  it.each([
    ['wait=abc', 'query.wait: expected an integer from 0 to 60, got "abc"'],
    ['wait=61', 'query.wait: expected an integer from 0 to 60, got "61"'],
    ['wait=-1', 'query.wait: expected an integer from 0 to 60, got "-1"'],
    ['wait=1.5', 'query.wait: expected an integer from 0 to 60, got "1.5"'],
  ])('?%s on a submit is a 400 naming the range, and stores nothing', async (q, detail) => {
    const s = await api.session();
    const r = await api.submit(s.id, 'hi', `?${q}`);
    expect([r.status, r.json.detail]).toEqual([400, detail]);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json.pendingTurns).toBe(0);
  });

  it('a session body of the wrong kind says so', async () => {
    const r = await api.http('POST', '/v1/sessions', { body: { userId: 42, metadata: { a: 1 } } });
    expect([r.status, r.json.detail]).toEqual([400, 'body.userId: expected a string, got 42']);
    const m = await api.http('POST', '/v1/sessions', { body: { metadata: ['a'] } });
    expect([m.status, m.json.detail]).toEqual([400, 'body.metadata: expected an object of string values, got an array']);
  });

  it.each([
    ['PUT', '/v1/sessions', 'POST'],
    ['PATCH', '/v1/sessions/ses_x', 'GET, HEAD, DELETE'],
    ['POST', '/v1/turns/trn_x_1', 'GET, HEAD, DELETE'],
    ['DELETE', '/v1/sessions/ses_x/messages', 'GET, HEAD'],
    ['GET', '/v1/sessions/ses_x/turns', 'POST'],
    ['POST', '/v1/turns/trn_x_1/events', 'GET, HEAD'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['OPTIONS', '/v1/sessions', 'POST'],
    ['DELETE', '/docs', 'GET, HEAD'],
  ])('%s %s is a 405 with Allow: %s', async (method, path, allow) => {
    const r = await api.http(method, path);
    expect([r.status, r.headers.get('allow')]).toEqual([405, allow]);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.json.detail).toContain(allow);
  });

  it('the OpenAI routes answer a wrong method with 405, Allow and OpenAI\'s error shape', async () => {
    const r = await api.http('GET', '/v1/chat/completions');
    expect([r.status, r.headers.get('allow'), r.json.error.code]).toEqual([405, 'POST', 'method_not_allowed']);
    const m = await api.http('DELETE', '/v1/models');
    expect([m.status, m.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('an unknown path is a 404 without Allow, whatever the method', async () => {
    for (const method of ['GET', 'OPTIONS', 'POST']) {
      const r = await api.http(method, '/v2/nothing');
      expect([method, r.status, r.headers.get('allow')]).toEqual([method, 404, null]);
    }
    expect((await api.http('GET', '/docs/assets/nothing.js')).status).toBe(404);
  });
});
