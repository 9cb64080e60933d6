import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/**
 * The input limits at their edges (the largest accepted value, the first refused one), text that must
 * survive storage byte-exact, and text that cannot (lone UTF-16 surrogates, bytes that are not UTF-8)
 * refused with 400 — never a 5xx, and a refused request stores nothing.
 */
describe('input limits and exotic text', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const post = (path: string, raw: string | Buffer) => fetch(stack.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_MAX_PENDING_TURNS: '50' },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  // every C0 control (NUL included), DEL, C1, line/paragraph separators, BOM, bidi controls, RTL
  // scripts, combining marks, ZWJ sequences, flags, skin tones and astral letters
  const exotic = [
    Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''), '\u007f\u0085\u009f', '\u2028\u2029\ufeff',
    'مرحبا بالعالم', 'שלום עולם', '\u202eabc\u202c \u2066x\u2069 \u200f\u200e', 'e\u0301 n\u0303 \u0915\u094d\u0937',
    '👨‍👩‍👧‍👦 🏳️‍🌈 🇰🇷 👍🏽', '𝕏𝔸𝕄 𠜎𠜱 \u{10FFFD}', '"quotes" \\backslash\\ </script> {"json":1}', '안녕하세요 감사합니다',
  ].join(' | ');

  it('stores a turn\'s content with controls, emoji, RTL and astral text byte-exact and returns it unchanged', async () => {
    const s = await api.session();
    const r = await api.submit(s.id, exotic, '?wait=20');
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('completed');
    expect(r.json.input).toBe(exotic);
    expect((await api.http('GET', `/v1/turns/${r.json.turnId}`)).json.input).toBe(exotic);
    const [user] = await api.messages(s.id);
    expect(Buffer.from(user.content, 'utf8').equals(Buffer.from(exotic, 'utf8'))).toBe(true);
  });

  it('stores a session\'s userId, systemPrompt and metadata byte-exact', async () => {
    const body = { userId: '👤 مستخدم \u0000 1', systemPrompt: exotic, metadata: { 'كلمة': exotic.slice(0, 500), '\u0000k': '🇰🇷' } };
    const r = await api.http('POST', '/v1/sessions', { body });
    expect(r.status).toBe(201);
    const g = (await api.http('GET', `/v1/sessions/${r.json.id}`)).json;
    expect({ userId: g.userId, metadata: g.metadata }).toEqual({ userId: body.userId, metadata: body.metadata });
  });

  it.each([
    ['a lone high surrogate in content', 'turn', { content: 'abc\ud800def' }],
    ['a lone low surrogate in content', 'turn', { content: '\udc00' }],
    ['a reversed surrogate pair in content', 'turn', { content: '\udc00\ud800' }],
    ['a lone surrogate in userId', 'session', { userId: 'u\ud800' }],
    ['a lone surrogate in systemPrompt', 'session', { systemPrompt: 'be \udfff brief' }],
    ['a lone surrogate in a metadata value', 'session', { metadata: { a: '\ud83d' } }],
    ['a lone surrogate in a metadata key', 'session', { metadata: { ['k\ud83d']: 'v' } }],
  ])('refuses %s with 400 and stores nothing', async (_name, where, body) => {
    const s = await api.session();
    // JSON.stringify escapes lone surrogates as \udXXX, exactly what a client would send
    const r = where === 'turn' ? await post(`/v1/sessions/${s.id}/turns`, JSON.stringify(body)) : await post('/v1/sessions', JSON.stringify(body));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { detail: string }).detail).toMatch(where === 'turn' ? /content: .*surrogate/ : /userId|systemPrompt|metadata/);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json).toMatchObject({ pendingTurns: 0, messageCount: 0 });
  });

  it.each([
    ['a byte that is never UTF-8', Buffer.from([0xff])],
    ['a truncated multi-byte sequence', Buffer.from([0xe2, 0x82])],
    ['an encoded surrogate (CESU-8)', Buffer.from([0xed, 0xa0, 0x80])],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
  ])('refuses content with %s with 400 instead of storing a replacement character', async (_name, bytes) => {
    const s = await api.session();
    const raw = Buffer.concat([Buffer.from('{"content":"ab'), bytes, Buffer.from('cd"}')]);
    const r = await post(`/v1/sessions/${s.id}/turns`, raw);
    expect(r.status).toBe(400);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json).toMatchObject({ pendingTurns: 0 });
  });

  it.each(['utf-16', 'utf-16le', 'latin1', 'us-ascii', ''])('refuses a body declared as charset=%s with 415 and stores nothing', async (charset) => {
    const before = await api.session();
    // one byte of UTF-16 is half a code unit: decoded, it used to read as an empty body and create a session
    const r = await fetch(`${stack.baseUrl}/v1/sessions`, { method: 'POST', headers: { 'content-type': `application/json; charset=${charset}` }, body: ' ' });
    expect(r.status).toBe(415);
    const t = await fetch(`${stack.baseUrl}/v1/sessions/${before.id}/turns`, { method: 'POST', headers: { 'content-type': `application/json; charset=${charset}` }, body: '{"content":"hi"}' });
    expect(t.status).toBe(415);
    expect((await api.http('GET', `/v1/sessions/${before.id}`)).json.pendingTurns).toBe(0);
  });

  it('accepts content of exactly 32000 characters and refuses 32001 with 400', async () => {
    const s = await api.session();
    const ok = await api.submit(s.id, 'a'.repeat(32_000));
    expect(ok.status).toBe(202);
    const over = await api.submit(s.id, 'a'.repeat(32_001));
    expect(over.status).toBe(400);
    expect(over.json.detail).toContain('content');
    expect((await api.http('GET', `/v1/turns/${ok.json.turnId.replace(/_1$/, '_2')}`)).status).toBe(404);
  });

  it('accepts a body of exactly 64 KiB and refuses one byte more with 413', async () => {
    const s = await api.session();
    const valid = JSON.stringify({ content: 'é'.repeat(16_000) });
    const padded = valid + ' '.repeat(65_536 - Buffer.byteLength(valid)); // whitespace counts as body too
    expect((await post(`/v1/sessions/${s.id}/turns`, padded)).status).toBe(202);
    const over = await post(`/v1/sessions/${s.id}/turns`, padded + ' ');
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each([
    ['userId of 128 characters', 201, { userId: 'u'.repeat(128) }],
    ['userId of 129 characters', 400, { userId: 'u'.repeat(129) }],
    ['systemPrompt of 8000 characters', 201, { systemPrompt: 's'.repeat(8000) }],
    ['systemPrompt of 8001 characters', 400, { systemPrompt: 's'.repeat(8001) }],
    ['16 metadata entries', 201, { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])) }],
    ['17 metadata entries', 400, { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }],
    ['a metadata value of 512 characters', 201, { metadata: { k: 'v'.repeat(512) } }],
    ['a metadata value of 513 characters', 400, { metadata: { k: 'v'.repeat(513) } }],
    ['a metadata key of 64 characters', 201, { metadata: { ['k'.repeat(64)]: 'v' } }],
    ['a metadata key of 65 characters', 400, { metadata: { ['k'.repeat(65)]: 'v' } }],
    ['an empty metadata key', 400, { metadata: { '': 'v' } }],
    ['a nested metadata value', 400, { metadata: { k: { nested: 'v' } } }],
  ])('answers a session with %s with %i', async (_name, status, body) => {
    expect((await api.http('POST', '/v1/sessions', { body })).status).toBe(status);
  });

  it('answers an Idempotency-Key of 128 characters with 202 and one of 129 with 400', async () => {
    const s = await api.session();
    expect((await api.submit(s.id, 'hello', '', { 'idempotency-key': 'k'.repeat(128) })).status).toBe(202);
    expect((await api.submit(s.id, 'hello', '', { 'idempotency-key': 'k'.repeat(129) })).status).toBe(400);
  });

  it('answers ids of 5000 characters on every route with 404, not an error', async () => {
    const long = 'ses_' + 'A'.repeat(5000);
    const turn = 'trn_' + 'A'.repeat(5000) + '_1';
    for (const [m, p] of [['GET', `/v1/sessions/${long}`], ['DELETE', `/v1/sessions/${long}`], ['GET', `/v1/sessions/${long}/messages`],
      ['GET', `/v1/turns/${turn}`], ['DELETE', `/v1/turns/${turn}`], ['GET', `/v1/turns/${turn}/events`]]) {
      const r = await api.http(m, p);
      expect([m, p.slice(0, 20), r.status]).toEqual([m, p.slice(0, 20), 404]);
      expect(r.json.detail.length).toBeLessThan(200);
    }
    const r = await api.http('POST', `/v1/sessions/${long}/turns`, { body: { content: 'hi' } });
    expect(r.status).toBe(404);
  });
});
