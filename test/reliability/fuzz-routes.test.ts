import { request } from 'node:http';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/**
 * Every 5xx is a bug. Seeded random malformed requests against every route — wrong types, huge and
 * non-finite numbers, deep nesting, arrays where objects go, very long and odd ids, odd query strings
 * and headers, other tenants' keys — and malformed HTTP on raw sockets. Every answer must be below
 * 500 (problem+json when the gateway itself answers), and Redis must hold exactly what it held before:
 * a refused request stores nothing. No workers run, so nothing else writes. TURNQ_FUZZ_SEED and
 * TURNQ_FUZZ_CASES explore further.
 */
const SEED = Number(process.env.TURNQ_FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.TURNQ_FUZZ_CASES ?? 60);

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

interface Case { label: string; method: string; path: string; headers: Record<string, string>; body?: string | Buffer; stream?: boolean }

const nest = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
};

/** JSON texts that are never a valid value of a text field (content, userId, systemPrompt, a metadata value). */
const BAD_VALUES: readonly string[] = [
  'null', 'true', 'false', '0', '-1', '1e999', '-1e999', '1.5', '9007199254740993', '123456789012345678901234567890e400',
  '[]', '[{}]', '[[["x"]]]', '{}', '{"content":"x"}', JSON.stringify('\ud800'), JSON.stringify('x'.repeat(40_000)), JSON.stringify('y'.repeat(70_000)),
  JSON.stringify(nest(2000, 'x', true)), JSON.stringify(nest(500, 'x', false)),
  JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]))),
];

/** Never a valid metadata object. */
const BAD_METADATA: readonly string[] = [
  ...BAD_VALUES.filter((v) => !v.startsWith('{')), '{"k":1}', '{"k":null}', '{"k":{}}', '{"k":["v"]}', '{"":"v"}', `{"${'k'.repeat(65)}":"v"}`,
  `{"k":"${'v'.repeat(513)}"}`, JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))),
];

/** Whole bodies that are not a valid body of any route (an empty body is valid for POST /v1/sessions). */
const BAD_BODIES: readonly string[] = [
  ...BAD_VALUES.filter((v) => !v.startsWith('{')), ' ', '{', '{"a":', '{"content":"x"', '{"content":"x"}}', "{'content':'x'}",
  '{"content":"x","content":"y","extra":1}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}',
  '\u0000', '\ufeff{', 'NaN', 'Infinity', '{"content":NaN}', '{"content":"x"}garbage', '/* c */{}', '""', '"x"',
];

/** Query strings a submit with a valid body must refuse. */
const BAD_WAITS: readonly string[] = ['?wait=61', '?wait=-1', '?wait=1e999', '?wait=NaN', '?wait=1&wait=2', '?wait=%00', '?wait=60.0001', '?wait=Infinity'];

const ODD_IDS: readonly string[] = [
  '', ' ', 'null', 'undefined', '0', '-1', '1e999', 'ses_', 'ses_AAAAAAAAAAAAAAAAAAA', 'ses_AAAAAAAAAAAAAAAAAAAAA', 'ses_AAAAAAAAAAAAAAAAAAA!',
  'trn_AAAAAAAAAAAAAAAAAAAA_0', 'trn_AAAAAAAAAAAAAAAAAAAA_01', 'trn_AAAAAAAAAAAAAAAAAAAA_9999999999', 'trn_AAAAAAAAAAAAAAAAAAAA_-1',
  '%00', '%ff%fe', '%ZZ', '%', '..', '..%2f..%2fetc%2fpasswd', '%E2%80%AE', encodeURIComponent('👨‍👩‍👧'), '%ED%A0%80',
  'x'.repeat(5000), 'ses_' + 'A'.repeat(10_000), '{turnq-0}', '*', '$1', 'a:b', '__proto__', 'constructor',
];

const CONTENT_TYPES: readonly string[] = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1',
  'application/json; charset=', 'application/json;;;', 'application/jsonx', 'text/json', 'text/plain', 'application/problem+json',
  'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', 'application/json, text/plain',
];

// not br: a few random bytes can be a valid brotli stream of nothing, i.e. a legitimately empty body
const ENCODINGS: readonly string[] = ['gzip', 'deflate', 'x-unknown', 'gzip, gzip', 'identity'];

const ODD_QUERIES: readonly string[] = [
  '?wait=61', '?wait=-1', '?wait=1e999', '?wait=NaN', '?wait=', '?wait=0x10', '?wait[]=1', '?wait=1&wait=2', '?wait=%00',
  '?limit=0', '?limit=201', '?limit=-5', '?limit=1.5', '?limit=abc', '?limit=1e999', '?limit[]=1', '?limit=1&limit=2',
  '?before=', '?before=msg_AAAAAAAAAAAAAAAAAAAA_1', '?before=msg_x', `?before=${'m'.repeat(300)}`, '?__proto__=1', '?%ZZ=1', '?&&&=&',
];

function authHeader(r: ReturnType<typeof prng>): Record<string, string> {
  const roll = r.next();
  if (roll < 0.75) return { authorization: 'Bearer fuzz-key' };
  if (roll < 0.85) return { authorization: 'Bearer other-key' }; // another tenant: must see nothing
  return { authorization: r.pick(['', 'Bearer', 'Bearer ', 'Basic Znp6OnBhc3M=', 'Bearer fuzz-key extra', `Bearer ${'k'.repeat(8000)}`, 'Bearer fuzz-ke', 'Bearer fuzz-keyy', 'Token fuzz-key']) };
}

function generate(sessionId: string, turnId: string): Case[] {
  const r = prng(SEED);
  const cases: Case[] = [];
  const id = () => (r.next() < 0.3 ? r.pick(ODD_IDS) : encodeURIComponent(r.pick(ODD_IDS)));
  const jsonHeaders = () => {
    const h: Record<string, string> = { ...authHeader(r), 'content-type': r.next() < 0.7 ? 'application/json' : r.pick(CONTENT_TYPES) };
    if (r.next() < 0.1) h['content-encoding'] = r.pick(ENCODINGS);
    if (r.next() < 0.2) h['idempotency-key'] = r.pick(['', ' ', 'k'.repeat(129), 'k'.repeat(10_000)]);
    return h;
  };
  const field = (name: string) => `{${JSON.stringify(name)}:${r.pick(BAD_VALUES)}}`;
  for (let i = 0; i < CASES; i++) {
    const sessionBody = r.pick([r.pick(BAD_BODIES), field('userId'), field('systemPrompt'), `{"metadata":${r.pick(BAD_METADATA)}}`,
      `{"metadata":{"k":${r.pick(BAD_VALUES)}}}`, `{"userId":"u","unknown":${r.pick(BAD_VALUES)}}`, '{"userId":""}']);
    cases.push({ label: 'create session', method: 'POST', path: '/v1/sessions', headers: jsonHeaders(), body: sessionBody });
    const turnBody = r.pick([r.pick(BAD_BODIES), '', field('content'), '{"content":""}', `{"content":"ok","extra":${r.pick(BAD_VALUES)}}`, `{"Content":"ok"}`]);
    cases.push({ label: 'submit turn', method: 'POST', path: `/v1/sessions/${sessionId}/turns${r.next() < 0.3 ? r.pick(ODD_QUERIES) : ''}`, headers: jsonHeaders(), body: turnBody });
    cases.push({ label: 'submit turn to an odd session', method: 'POST', path: `/v1/sessions/${id()}/turns`, headers: jsonHeaders(), body: r.next() < 0.5 ? '{"content":"hello"}' : r.pick(BAD_BODIES) });
    cases.push({ label: 'submit turn, bad wait', method: 'POST', path: `/v1/sessions/${sessionId}/turns${r.pick(BAD_WAITS)}`, headers: jsonHeaders(), body: '{"content":"hello"}' });
    cases.push({ label: 'read session', method: 'GET', path: `/v1/sessions/${r.next() < 0.2 ? sessionId : id()}`, headers: authHeader(r) });
    const deleteHeaders = authHeader(r);
    // the real session only with keys that must not be allowed to delete it
    cases.push({ label: 'delete session', method: 'DELETE', path: `/v1/sessions/${deleteHeaders.authorization === 'Bearer fuzz-key' ? id() : sessionId}`, headers: deleteHeaders });
    cases.push({ label: 'read messages', method: 'GET', path: `/v1/sessions/${r.next() < 0.6 ? sessionId : id()}/messages${r.pick(ODD_QUERIES)}`, headers: authHeader(r) });
    cases.push({ label: 'read turn', method: 'GET', path: `/v1/turns/${r.next() < 0.2 ? turnId : id()}${r.next() < 0.2 ? r.pick(ODD_QUERIES) : ''}`, headers: authHeader(r) });
    const cancelHeaders = authHeader(r);
    cases.push({ label: 'cancel turn', method: 'DELETE', path: `/v1/turns/${cancelHeaders.authorization === 'Bearer fuzz-key' ? id() : turnId}`, headers: cancelHeaders });
    cases.push({ label: 'turn events', method: 'GET', path: `/v1/turns/${r.next() < 0.5 ? turnId : id()}/events`, stream: true,
      headers: { ...authHeader(r), 'last-event-id': r.pick(['-1', '0', '99999999999999999999', 'abc', '1e3', ' 2 ', '\t', 'x'.repeat(5000)]) } });
    cases.push({ label: 'odd method', method: r.pick(['PUT', 'PATCH', 'OPTIONS', 'POST', 'DELETE']), path: r.pick(['/v1/sessions', `/v1/sessions/${sessionId}/messages`, `/v1/turns/${turnId}/events`, '/v1', '/v1/', '/healthz', `/v1/turns/${id()}/events`]), headers: jsonHeaders(), body: r.pick(BAD_BODIES) });
  }
  return cases;
}

function send(baseUrl: string, c: Case): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    // framed with Content-Length: Node's client would send a DELETE/OPTIONS body unframed (that is the raw-socket test's job)
    const headers = c.body === undefined ? c.headers : { ...c.headers, 'content-length': String(Buffer.byteLength(c.body)) };
    const req = request(baseUrl + c.path, { method: c.method, headers }, (res) => {
      const out = { status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? '') };
      if (c.stream && out.status === 200) { res.destroy(); resolve(out); return; } // an open event stream: the headers are the answer
      res.resume();
      res.on('end', () => resolve(out));
      res.on('error', () => resolve(out));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${c.method} ${c.path.slice(0, 80)}`)));
    req.end(c.body);
  });
}

/** The bytes of every key of the stack's namespace. */
async function snapshot(redis: Redis, namespace: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${namespace}-*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) out.set(k, ((await redis.dumpBuffer(k)) ?? Buffer.alloc(0)).toString('hex'));
  } while (cursor !== '0');
  return out;
}

function raw(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => { socket.destroy(); resolve(got); };
    socket.setTimeout(3000, done);
    socket.on('data', (d) => { got += d.toString('latin1'); });
    socket.on('end', done);
    socket.on('error', done);
    socket.on('close', done);
    socket.write(text);
    socket.end();
  });
}

describe('fuzzing every route with malformed input', () => {
  let stack: Stack;
  const redis = new Redis(process.env.REDIS_URL!);
  let sessionId: string;
  let turnId: string;
  let before: Map<string, string>;

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 0, 'response-worker': 0, 'summary-worker': 0 },
      simulator: false,
      env: { TURNQ_API_KEYS: 'fuzz-key=fuzz,other-key=other', TURNQ_MAX_PENDING_TURNS: '5' },
    });
    const api = client(stack.baseUrl, 'fuzz-key');
    sessionId = (await api.session({ userId: 'fuzz', metadata: { a: 'b' } })).id;
    const t = await api.submit(sessionId, 'the one turn');
    expect(t.status).toBe(202);
    turnId = t.json.turnId;
    before = await snapshot(redis, stack.namespace);
    expect(before.size).toBeGreaterThan(3);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });

  it(`answers ${CASES * 11} seeded malformed requests (seed ${SEED}) below 500, as problem+json, and stores nothing`, async () => {
    const cases = generate(sessionId, turnId);
    const bad: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(async (c) => {
        const r = await send(stack.baseUrl, c);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const problem = r.type.includes('application/problem+json');
        const ok = r.status < 500 && (r.status < 400 || problem || r.status === 431);
        if (!ok) bad.push(`${r.status} ${r.type} ← ${c.label}: ${c.method} ${c.path.slice(0, 100)} ${JSON.stringify(c.headers).slice(0, 200)} ${String(c.body ?? '').slice(0, 120)}`);
      }));
    }
    expect(bad).toEqual([]);
    // the generator really produced refusals of every kind, not just one kind of answer
    for (const s of [400, 401, 404, 405, 413, 415]) expect([s, statuses.get(s) ?? 0]).not.toEqual([s, 0]);
    expect(await snapshot(redis, stack.namespace)).toEqual(before);
    expect((await client(stack.baseUrl, 'fuzz-key').http('GET', `/v1/turns/${turnId}`)).json.status).toBe('queued');
  }, 120_000);

  it('answers malformed HTTP on raw sockets without a 5xx, stores nothing, and keeps serving', async () => {
    const port = Number(new URL(stack.baseUrl).port);
    const auth = 'Authorization: Bearer fuzz-key\r\n';
    const texts: Array<string | Buffer> = [
      'GET /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      `POST /v1/sessions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n`,
      `POST /v1/sessions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"userId":`,
      `POST /v1/sessions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST /v1/sessions/${sessionId}/turns HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 15\r\n\r\n{"content":"x"`,
      Buffer.concat([Buffer.from(`GET /v1/sessions/${sessionId} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe`, 'latin1'), Buffer.from('\r\n\r\n')]),
      `GET /v1/sessions/${sessionId} HTTP/1.1\r\nHost: x\r\n${auth}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      `GET http://evil.example/v1/sessions/${sessionId} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET /v1/sessions/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET /v1/sessions/${sessionId} HTTP/1.0\r\n${auth}\r\n`,
      `GET /v1/sessions/${sessionId} HTTP/9.9\r\nHost: x\r\n${auth}\r\n`,
      `BREW /v1/sessions HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET /v1/sessions/${'%'.repeat(3000)} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `DELETE /v1/sessions/${sessionId} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer other-key\r\n\r\nGET /v1/turns/${turnId} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer other-key\r\n\r\n`,
      'garbage\r\n\r\n', '\r\n\r\n\r\n', Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]),
    ];
    const answers = await Promise.all(texts.map((t) => raw(port, t)));
    const statusLines = answers.flatMap((a) => a.split('\r\n').filter((l) => /^HTTP\/1\.[01] \d{3}/.test(l)));
    expect(statusLines.filter((l) => / 5\d\d /.test(l))).toEqual([]);
    expect(statusLines.length).toBeGreaterThan(texts.length / 2);
    expect(await snapshot(redis, stack.namespace)).toEqual(before);
    expect((await client(stack.baseUrl, 'fuzz-key').http('GET', `/v1/sessions/${sessionId}`)).status).toBe(200);
  }, 60_000);
});
