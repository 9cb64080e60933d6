import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '../start-stack';
import { deref, documentValidator, operations, parseSse } from '../openapi-schema';

/*
 * Every example exchange of docs/openapi.json, sent to a running stack: the documented status, a
 * documented content type, and a body that validates against the documented schema (errors too).
 * An exchange is a response example's name; the request is built from the body and parameter
 * examples of the same name (services/gateway/openapi/examples.ts). Path ids without an example come
 * from a fresh session with one completed turn and a fresh user with one memory, made for each exchange.
 */
const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'));
const validate = documentValidator(doc);
const KEY = 'ex-key';
const ADMIN = 'ex-admin';

/** Answers this stack cannot give on demand; each has its own test that breaks the stack to get it. */
const ELSEWHERE: Record<string, string> = {
  serviceUnavailable: 'Redis down: test/reliability/redis-restart.test.ts',
  down: 'Redis down: test/reliability/redis-restart.test.ts',
  rateLimited: 'TURNQ_RATE_LIMIT_PER_MINUTE: test/reliability/overload.test.ts',
};

interface Exchange { method: string; path: string; op: any; name: string; status: string }

function exchanges(): Exchange[] {
  const out: Exchange[] = [];
  for (const { method, path, op } of operations(doc)) {
    let has2xx = false;
    for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
      const names = new Set(Object.values((deref(doc, r).content ?? {}) as Record<string, any>).flatMap((m) => Object.keys(m.examples ?? {})));
      if (status.startsWith('2') && names.size) has2xx = true;
      for (const name of names) if (!ELSEWHERE[name]) out.push({ method, path, op, name, status });
    }
    if (!has2xx) out.push({ method, path, op, name: 'default', status: Object.keys(op.responses).filter((s) => s.startsWith('2')).sort()[0] });
  }
  return out;
}

describe('every documented example exchange against a running stack', () => {
  let stack: Stack;
  const api = (path: string, init: RequestInit = {}, key: string | null = KEY) =>
    fetch(stack.baseUrl + path, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers as Record<string, string>) } });
  const sim = (knobs: Record<string, number>) => fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });

  beforeAll(async () => {
    stack = await startStack({ env: {
      LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_API_KEYS: `${KEY}=t1`, TURNQ_ADMIN_KEY: ADMIN, TURNQ_MAX_PENDING_TURNS: '1',
    } });
  }, 90_000);
  afterAll(async () => { await stack?.stop(); });

  async function submit(sessionId: string, content: string, query = '', headers: Record<string, string> = {}) {
    const r = await api(`/v1/sessions/${sessionId}/turns${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ content }) });
    return r.json() as Promise<{ turnId: string; status: string }>;
  }

  interface Ids { sessionId: string; turnId: string; userId: string; memoryId: string }

  /** A fresh session with one completed turn and a fresh user with one memory, plus what an exchange's name needs set up first. */
  async function fixture(name: string): Promise<Ids> {
    const session = await (await api('/v1/sessions', { method: 'POST' })).json() as { id: string };
    const first = await submit(session.id, 'hello', '?wait=30');
    expect(first.status).toBe('completed');
    const userId = `ex-user-${Math.random().toString(36).slice(2, 10)}`;
    const added = await api(`/v1/users/${userId}/memories`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Likes tea.' }) });
    expect(added.status).toBe(201);
    const memoryId = (await added.json() as { id: string }).id;
    const user = { userId, memoryId };
    if (name === 'idempotencyConflict') await submit(session.id, 'the first question', '', { 'idempotency-key': 'order-42' });
    if (name === 'cancelQueued' || name === 'tooManyPending') {
      await sim({ latencyMs: 60_000 }); // the next turn holds the session while the one behind it waits in the mailbox
      const holder = await submit(session.id, 'this one holds the session');
      // a handed-over turn still counts as pending until a worker starts it (TURNQ_MAX_PENDING_TURNS is 1 here)
      for (const end = Date.now() + 30_000; ;) {
        if ((await (await api(`/v1/turns/${holder.turnId}`)).json() as { status: string }).status === 'running') break;
        if (Date.now() > end) throw new Error('the holding turn never started');
        await new Promise((r) => setTimeout(r, 50));
      }
      const queued = await submit(session.id, 'this one waits');
      expect(queued.status).toBe('queued');
      await sim({ latencyMs: 0 });
      return { sessionId: session.id, turnId: queued.turnId, ...user };
    }
    return { sessionId: session.id, turnId: first.turnId, ...user };
  }

  function request(x: Exchange, ids: Ids): { url: string; init: RequestInit; key: string | null } {
    let url = x.path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const p of (x.op.parameters ?? []).map((p: any) => deref(doc, p))) {
      const example = p.examples?.[x.name]?.value;
      if (p.in === 'path') {
        const live = ({ sessionId: ids.sessionId, turnId: ids.turnId, userId: ids.userId, memoryId: ids.memoryId } as Record<string, string>)[p.name] ?? p.schema.enum?.[0];
        url = url.replace(`{${p.name}}`, encodeURIComponent(example ?? live ?? (Object.values(p.examples ?? {})[0] as any)?.value));
      } else if (example !== undefined) {
        (p.in === 'query' ? (k: string, v: string) => query.set(k, v) : (k: string, v: string) => { headers[k] = v; })(p.name, String(example));
      }
    }
    const bodyExamples = x.op.requestBody?.content?.['application/json']?.examples ?? {};
    let init: RequestInit = { method: x.method, headers };
    const body = bodyExamples[x.name]?.value ?? (x.op.requestBody?.required ? Object.values(bodyExamples as Record<string, any>)[0].value : undefined);
    if (body !== undefined) init = { ...init, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
    if (x.name === 'unsupportedMediaType') init = { ...init, headers: { ...headers, 'content-type': 'text/plain' }, body: 'a=b' };
    if (x.name === 'contentTooLarge') init = { ...init, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ content: 'x'.repeat(70_000) }) };
    const security = x.op.security ?? doc.security;
    const key = x.name === 'unauthorized' ? null : security.length === 0 ? null : security.some((s: any) => s.adminKey) ? ADMIN : KEY;
    return { url: url + (query.size ? `?${query}` : ''), init, key };
  }

  function checkBody(x: Exchange, contentType: string, text: string): void {
    const content = deref<any>(doc, x.op.responses[x.status]).content;
    if (!content) { expect(text).toBe(''); return; }
    const type = contentType.split(';')[0].trim();
    expect([x.name, Object.keys(content)]).toEqual([x.name, expect.arrayContaining([type])]);
    const schema = content[type].schema;
    if (type.includes('json')) {
      expect([x.name, validate(schema, JSON.parse(text))]).toEqual([x.name, null]);
    } else if (type === 'text/event-stream') {
      const events = parseSse(text);
      expect(events.length).toBeGreaterThan(0);
      const item = deref<any>(doc, schema.contentSchema.items);
      for (const e of events) {
        if (item.oneOf) {
          const branch = item.oneOf.find((b: any) => b.properties.event.const === e.event);
          expect([x.name, e.event, Number.isInteger(e.id)]).toEqual([x.name, expect.any(String), branch.required.includes('id')]);
          expect([x.name, e.event, branch && validate(branch.properties.data.contentSchema, JSON.parse(e.data))]).toEqual([x.name, e.event, null]);
        } else if (e.data !== '[DONE]') {
          expect([x.name, validate(schema.contentSchema.items, JSON.parse(e.data))]).toEqual([x.name, null]);
        }
      }
      if (item.oneOf) expect(events.at(-1)!.event).toBe('done');
      else expect(events.at(-1)!.data).toBe('[DONE]');
    } else {
      expect(text.length).toBeGreaterThan(0);
    }
  }

  const all = exchanges();

  it('covers every operation and the named error examples', () => {
    expect(new Set(all.map((x) => `${x.method} ${x.path}`)).size).toBe(operations(doc).length);
    expect(all.map((x) => x.name)).toEqual(expect.arrayContaining(['contentNotAString', 'blankContent', 'waitNotANumber', 'limitNotANumber', 'arrayBody', 'cancelQueued', 'tooManyPending']));
  });

  it.each(all.map((x) => [`${x.method} ${x.path} ${x.name} → ${x.status}`, x] as const))('%s', async (_title, x) => {
    const ids = await fixture(x.name);
    const { url, init, key } = request(x, ids);
    const r = await api(url, init, key);
    const text = await r.text();
    expect([x.name, r.status, text.slice(0, 300)]).toEqual([x.name, Number(x.status), expect.any(String)]);
    checkBody(x, r.headers.get('content-type') ?? '', text);
    if (['200', '201', '202'].includes(x.status) && x.op.responses[x.status].headers?.Location) expect(r.headers.get('location')).toMatch(/^\/v1\//);
    if (x.status === '429' || x.status === '503') expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    await api(`/v1/sessions/${ids.sessionId}`, { method: 'DELETE' });
    await api(`/v1/users/${ids.userId}/memories`, { method: 'DELETE' });
  }, 60_000);
});
