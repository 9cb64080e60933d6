import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

const isProblem = (r: { status: number; headers: Headers; json: any }) =>
  (r.headers.get('content-type') ?? '').includes('application/problem+json') && r.json?.status === r.status && typeof r.json.title === 'string' && typeof r.json.detail === 'string';

describe('sessions and messages API', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_SESSION_TTL_SECONDS: '600' } });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('creates a session with every optional field and returns the Session shape', async () => {
    const r = await api.http('POST', '/v1/sessions', { body: { userId: 'u-1', systemPrompt: 'Be brief.', metadata: { channel: 'web', 언어: '한국어' } } });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/v1/sessions/${r.json.id}`);
    expect(r.json).toMatchObject({ userId: 'u-1', state: 'greeting', stateHistory: [], messageCount: 0, totalTokens: 0, summary: null, pendingTurns: 0, metadata: { channel: 'web', 언어: '한국어' } });
    const ttlMs = Date.parse(r.json.expiresAt) - Date.parse(r.json.lastActivityAt);
    expect(ttlMs).toBe(600_000);
    const g = await api.http('GET', `/v1/sessions/${r.json.id}`);
    expect(g.status).toBe(200);
    expect(g.json).toEqual(r.json);
  });

  it('creates a session from an empty body without a content type', async () => {
    const r = await api.http('POST', '/v1/sessions');
    expect(r.status).toBe(201);
    expect(r.json.userId).toBeNull();
  });

  it.each([
    ['userId too long', { userId: 'x'.repeat(129) }, 'userId'],
    ['userId empty', { userId: '' }, 'userId'],
    ['systemPrompt too long', { systemPrompt: 'x'.repeat(8001) }, 'systemPrompt'],
    ['metadata with 17 entries', { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ['metadata value too long', { metadata: { a: 'x'.repeat(513) } }, 'metadata.a'],
    ['metadata value not a string', { metadata: { a: 1 } }, 'metadata.a'],
    ['unknown field', { user: 'x' }, 'user'],
    ['an array body', [1, 2], 'body'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const r = await api.http('POST', '/v1/sessions', { body });
    expect(r.status).toBe(400);
    expect(isProblem(r)).toBe(true);
    expect(r.json.detail).toContain(field);
  });

  it('refuses a metadata key __proto__ instead of dropping it', async () => {
    const r = await api.http('POST', '/v1/sessions', { raw: '{"metadata":{"__proto__":"x","a":"b"}}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toContain('metadata');
  });

  it('answers OPTIONS with 405 problem+json', async () => {
    const r = await api.http('OPTIONS', '/v1/sessions');
    expect(r.status).toBe(405);
    expect(isProblem(r)).toBe(true);
  });

  it('refuses a body that is not JSON (415), too large (413) or malformed (400), in that order', async () => {
    expect((await api.http('POST', '/v1/sessions', { raw: 'a=b', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const big = JSON.stringify({ systemPrompt: 'x'.repeat(70_000) });
    expect((await api.http('POST', '/v1/sessions', { raw: big, headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await api.http('POST', '/v1/sessions', { raw: big, headers: { 'content-type': 'application/json' } })).status).toBe(413);
    const bad = await api.http('POST', '/v1/sessions', { raw: '{"userId":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(isProblem(bad)).toBe(true);
  });

  it('answers 404 problem+json for unknown, malformed and deleted sessions', async () => {
    for (const id of ['does-not-exist', 'ses_AAAAAAAAAAAAAAAAAAAA', 'x'.repeat(5000)]) {
      for (const [m, p] of [['GET', `/v1/sessions/${id}`], ['DELETE', `/v1/sessions/${id}`], ['GET', `/v1/sessions/${id}/messages`]]) {
        const r = await api.http(m, p);
        expect([m, p.slice(0, 40), r.status]).toEqual([m, p.slice(0, 40), 404]);
        expect(isProblem(r)).toBe(true);
      }
    }
  });

  it('deletes a session with its messages and turns', async () => {
    const s = await api.session();
    const t = await api.submit(s.id, 'hello', '?wait=30');
    expect(t.json.status).toBe('completed');
    expect((await api.http('DELETE', `/v1/sessions/${s.id}`)).status).toBe(204);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).status).toBe(404);
    expect((await api.http('GET', `/v1/sessions/${s.id}/messages`)).status).toBe(404);
    expect((await api.http('GET', `/v1/turns/${t.json.turnId}`)).status).toBe(404);
    expect((await api.http('GET', `/v1/turns/${t.json.turnId}/events`)).status).toBe(404);
  });

  it('pages messages oldest first within a page, with nextBefore until the first message', async () => {
    const s = await api.session();
    for (let i = 1; i <= 5; i++) expect((await api.submit(s.id, `message ${i}`, '?wait=30')).json.status).toBe('completed');
    const p1 = await api.http('GET', `/v1/sessions/${s.id}/messages?limit=4`);
    expect(p1.status).toBe(200);
    expect(p1.json.messages.map((m: any) => m.content.slice(0, 9))).toEqual(['message 4', expect.any(String), 'message 5', expect.any(String)]);
    expect(p1.json.nextBefore).toBe(p1.json.messages[0].id);
    const p2 = await api.http('GET', `/v1/sessions/${s.id}/messages?limit=4&before=${p1.json.nextBefore}`);
    expect(p2.json.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(p2.json.messages[0].content).toBe('message 2');
    const p3 = await api.http('GET', `/v1/sessions/${s.id}/messages?limit=4&before=${p2.json.nextBefore}`);
    expect(p3.json.messages.map((m: any) => m.content.slice(0, 9))).toEqual(['message 1', expect.any(String)]);
    expect(p3.json.nextBefore).toBeNull();
    const all = await api.messages(s.id);
    expect(all).toHaveLength(10);
    expect(new Set(all.map((m) => m.id)).size).toBe(10);
    expect(all.every((m) => m.tokens > 0 && m.summarized === false && !Number.isNaN(Date.parse(m.createdAt)))).toBe(true);
  });

  it.each([
    ['limit=0'], ['limit=201'], ['limit=abc'], ['limit=1.5'], ['limit=1&limit=2'], ['before=msg_nope_1'],
  ])('refuses messages?%s with 400', async (q) => {
    const s = await api.session();
    const r = await api.http('GET', `/v1/sessions/${s.id}/messages?${q}`);
    expect(r.status).toBe(400);
    expect(isProblem(r)).toBe(true);
  });

  it('refuses a before id of another session with 400', async () => {
    const a = await api.session();
    await api.submit(a.id, 'hello', '?wait=30');
    const [first] = await api.messages(a.id);
    const b = await api.session();
    expect((await api.http('GET', `/v1/sessions/${b.id}/messages?before=${first.id}`)).status).toBe(400);
  });

  it('answers unknown routes and methods with problem+json', async () => {
    const r = await api.http('GET', '/v2/nothing');
    expect(r.status).toBe(404);
    expect(isProblem(r)).toBe(true);
    const m = await api.http('PUT', '/v1/sessions');
    expect(m.status).toBe(405);
    expect(isProblem(m)).toBe(true);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await api.http('GET', '/healthz')).status).toBe(200);
    expect((await api.http('GET', '/readyz')).status).toBe(200);
    const m = await api.http('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toContain('# TYPE turnq_queue_jobs gauge');
    expect(m.text).toMatch(/turnq_http_request_duration_seconds_count\{[^}]*route="\/v1\/sessions\/:id"/);
  });
});
