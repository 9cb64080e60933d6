import { createRedis } from '#libs/redis';
import { sessionKeys } from '#libs/session';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { simConfig, simRequests, until } from '../support';

const isProblem = (r: { status: number; headers: Headers; json: any }) =>
  (r.headers.get('content-type') ?? '').includes('application/problem+json') && r.json?.status === r.status;

async function readSse(url: string, lastEventId?: number) {
  // a stream that never ends fails here, not at the test's timeout
  const signal = AbortSignal.timeout(20_000);
  const res = await fetch(url, { headers: lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }, signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const text = await res.text();
  return text.split('\n\n').filter((b) => b.includes('data:')).map((block) => {
    const get = (k: string) => block.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
    return { id: Number(get('id')), event: get('event')!, data: JSON.parse(get('data')!) };
  });
}

describe('turns API', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '2000', TURNQ_MAX_PENDING_TURNS: '3' } });
    api = client(stack.baseUrl);
  }, 180_000);
  const redis = createRedis(process.env.REDIS_URL!, 'worker');
  afterAll(async () => { redis.disconnect(); await stack?.stop(); });
  afterEach(async () => { await simConfig(stack, { latencyMs: 0, failRate: 0 }); });

  it('accepts a turn with 202, Location and the queued Turn, then completes it', async () => {
    const s = await api.session();
    const r = await api.submit(s.id, 'Explain message queues, please.');
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/v1/turns/${r.json.turnId}`);
    expect(r.json).toMatchObject({ sessionId: s.id, seq: 1, status: 'queued', input: 'Explain message queues, please.', response: null, startedAt: null, completedAt: null });
    const done = await api.waitTurn(r.json.turnId);
    expect(done.status).toBe('completed');
    expect(done.usage.totalTokens).toBe(done.usage.promptTokens + done.usage.completionTokens);
    expect(done.timings.totalMs).toBeGreaterThanOrEqual(done.timings.responseMs);
    expect(done.state).toEqual({ from: 'greeting', to: 'information_seeking' });
  });

  it('asks the LLM for the intent when no keyword is confident, with the labels only', async () => {
    const s = await api.session();
    const t = await api.submit(s.id, 'Quantum gravity, tomorrow at noon, maybe.', '?wait=30');
    expect(t.json.status).toBe('completed');
    expect(t.json.intent.method).toBe('llm');
    expect(['greeting', 'information_seeking', 'task_execution', 'problem_solving', 'casual_chat', 'ending']).toContain(t.json.intent.label);
    const log = await (await fetch(`${stack.simUrl}/_sim/requests?limit=20`)).json() as { requests: Array<{ kind: string; json: boolean }> };
    expect(log.requests.some((r) => r.kind === 'classify' && r.json)).toBe(true);
  });

  it.each([
    ['missing content', {}, 'content'],
    ['empty content', { content: '' }, 'content'],
    ['content of the wrong type', { content: ['hi'] }, 'content'],
    ['content over 32000 chars', { content: 'a'.repeat(32001) }, 'content'],
    ['an unknown field', { content: 'hi', role: 'system' }, 'role'],
    ['a lone surrogate', { content: 'bad \ud800 text' }, 'content'],
  ])('refuses %s with 400 and stores nothing', async (_n, body, field) => {
    const s = await api.session();
    const r = await api.http('POST', `/v1/sessions/${s.id}/turns`, { body });
    expect(r.status).toBe(400);
    expect(isProblem(r)).toBe(true);
    expect(r.json.detail).toContain(field);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json).toMatchObject({ pendingTurns: 0, messageCount: 0 });
  });

  it.each([['61'], ['-1'], ['soon']])('refuses ?wait=%s with 400', async (w) => {
    const s = await api.session();
    const r = await api.submit(s.id, 'hi', `?wait=${w}`);
    expect(r.status).toBe(400);
    expect(r.json.detail).toContain('wait');
  });

  it('stores content with control characters, emoji and RTL text byte-exact', async () => {
    const s = await api.session();
    const content = 'tab\there\u0001\u001f 😀👩‍👩‍👧 مرحبا بالعالم שלום \u202e "quotes" \\ / </script>';
    const t = await api.submit(s.id, content, '?wait=30');
    expect(t.json.status).toBe('completed');
    expect(t.json.input).toBe(content);
    const [user] = await api.messages(s.id);
    expect(user.content).toBe(content);
  });

  it('returns the same turn for 10 parallel submits with one Idempotency-Key and creates one turn', async () => {
    const s = await api.session();
    const rs = await Promise.all(Array.from({ length: 10 }, () => api.submit(s.id, 'only once', '', { 'idempotency-key': 'k-parallel' })));
    expect(rs.every((r) => [200, 202].includes(r.status))).toBe(true);
    expect(new Set(rs.map((r) => r.json.turnId)).size).toBe(1);
    await api.waitTurn(rs[0].json.turnId);
    const again = await api.submit(s.id, 'only once', '?wait=5', { 'idempotency-key': 'k-parallel' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ turnId: rs[0].json.turnId, status: 'completed' });
    expect(await api.messages(s.id)).toHaveLength(2);
    const conflict = await api.submit(s.id, 'something else', '', { 'idempotency-key': 'k-parallel' });
    expect(conflict.status).toBe(409);
    expect(isProblem(conflict)).toBe(true);
    expect((await api.submit(s.id, 'x', '', { 'idempotency-key': 'k'.repeat(129) })).status).toBe(400);
  });

  it('answers 429 with Retry-After past TURNQ_MAX_PENDING_TURNS and stores nothing more', async () => {
    await simConfig(stack, { latencyMs: 3000 });
    const s = await api.session();
    const first = await api.submit(s.id, 'one');
    await until('the first turn to run', async () => (await api.http('GET', `/v1/turns/${first.json.turnId}`)).json.status === 'running');
    for (const c of ['two', 'three', 'four']) expect((await api.submit(s.id, c)).status).toBe(202);
    const r = await api.submit(s.id, 'five');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json.pendingTurns).toBe(3);
    await api.http('DELETE', `/v1/sessions/${s.id}`);
  });

  it('cancels a queued turn, which never runs, and refuses to cancel a running or ended one', async () => {
    await simConfig(stack, { latencyMs: 1500 });
    const s = await api.session();
    const a = await api.submit(s.id, 'first');
    const b = await api.submit(s.id, 'second');
    await until('the first turn to run', async () => (await api.http('GET', `/v1/turns/${a.json.turnId}`)).json.status === 'running');
    expect((await api.http('DELETE', `/v1/turns/${a.json.turnId}`)).status).toBe(409);
    const c = await api.http('DELETE', `/v1/turns/${b.json.turnId}`);
    expect(c.status).toBe(200);
    expect(c.json).toMatchObject({ status: 'cancelled', startedAt: null, response: null });
    await simConfig(stack, { latencyMs: 0 });
    const sentinel = await api.submit(s.id, 'third', '?wait=30');
    expect(sentinel.json.status).toBe('completed');
    expect((await api.http('GET', `/v1/turns/${b.json.turnId}`)).json.status).toBe('cancelled');
    expect((await api.messages(s.id)).map((m) => m.turnId)).not.toContain(b.json.turnId);
    expect((await api.http('DELETE', `/v1/turns/${b.json.turnId}`)).status).toBe(409);
    expect((await api.http('DELETE', '/v1/turns/trn_AAAAAAAAAAAAAAAAAAAA_1')).status).toBe(404);
  });

  it('answers a waiting submit when its turn ends however it ends, over the gateway reply channel, and 202 when the wait runs out', async () => {
    await simConfig(stack, { latencyMs: 1500 });
    const s = await api.session();
    await api.submit(s.id, 'first');
    const waiting = api.submit(s.id, 'second', '?wait=20');
    const second = `trn_${s.id.slice(4)}_2`;
    const turns = sessionKeys(stack.namespace, 1, s.id).scriptKeys[2];
    await until('the second turn to be stored with its reply channel', async () => (await redis.hget(turns, '2:rt')) !== null);
    // the wait hears only the end, on the gateway's channel: nobody subscribes to the turn's own channel
    expect(await redis.pubsub('NUMSUB', sessionKeys(stack.namespace, 1, s.id).eventPrefix + 2)).toEqual([expect.any(String), 0]);
    const t0 = Date.now();
    expect((await api.http('DELETE', `/v1/turns/${second}`)).status).toBe(200);
    const cancelled = await waiting;
    expect(Date.now() - t0).toBeLessThan(10_000); // woken by the cancel, not by the 20 s wait running out
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ turnId: second, status: 'cancelled' });
    expect(cancelled.json).toEqual((await api.http('GET', `/v1/turns/${second}`)).json); // the announced turn is the stored one
    expect(await redis.hexists(turns, '2:rt')).toBe(0); // the end took the reply channel along

    const late = await api.submit(s.id, 'third', '?wait=1'); // still behind 'first'
    expect(late.status).toBe(202);
    expect(late.json.status).toMatch(/queued|running/);
    await simConfig(stack, { latencyMs: 0 });
    expect((await api.waitTurn(late.json.turnId, 20_000)).status).toBe('completed');
    const awkward = '따옴표 "quotes", \\ back/slash, tab\there, 😀 and \u0007';
    const completed = await api.submit(s.id, awkward, '?wait=20');
    expect(completed.json).toMatchObject({ status: 'completed', input: awkward });
    expect(completed.json).toEqual((await api.http('GET', `/v1/turns/${completed.json.turnId}`)).json);
  });

  it('streams status, deltas and done over SSE and resumes after Last-Event-ID', async () => {
    const s = await api.session();
    const t = await api.submit(s.id, 'Tell me a long story about queues.');
    const url = `${stack.baseUrl}/v1/turns/${t.json.turnId}/events`;
    const live = await readSse(url);
    expect(live.map((e) => e.id)).toEqual(live.map((_, i) => i + 1));
    expect(live[0]).toMatchObject({ event: 'status', data: { status: 'queued' } });
    const done = live[live.length - 1];
    expect(done.event).toBe('done');
    expect(done.data.status).toBe('completed');
    expect(live.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe(done.data.response);
    const resumed = await readSse(url, 2);
    expect(resumed.map((e) => e.id)).toEqual(live.slice(2).map((e) => e.id));
    expect(await readSse(url)).toEqual(live);
    // a client already at (or past) the end of an ended turn gets a closed, empty stream, not keep-alives forever
    expect(await readSse(url, live.length)).toEqual([]);
    expect(await readSse(url, live.length + 7)).toEqual([]);
    expect((await api.http('GET', '/v1/turns/trn_AAAAAAAAAAAAAAAAAAAA_1/events')).status).toBe(404);
  });

  it('replays an ended turn from its record once its event list is gone, with and without Last-Event-ID', async () => {
    const keys = (turn: { sessionId: string }) => sessionKeys(stack.namespace, 1, turn.sessionId);
    const dropEvents = (turn: { sessionId: string; seq: number }) => redis.del(keys(turn).eventPrefix + turn.seq);
    const deltaLengths = (turn: { sessionId: string; seq: number }) => redis.hget(keys(turn).scriptKeys[2], `${turn.seq}:dl`);
    const s = await api.session();
    // A completed first attempt whose deltas were its reply: the commit itself keeps their lengths (':dl')
    // and deletes the list, so every later reader gets the stream rebuilt from the record.
    const t = await api.submit(s.id, 'Tell me about queues.', '?wait=30');
    expect(t.json.status).toBe('completed');
    const dl = await deltaLengths(t.json);
    expect(dl).toMatch(/^d\d+(,\d+)*$/);
    expect(await dropEvents(t.json)).toBe(0); // already gone
    const lengths = dl!.slice(1).split(',').map(Number);
    const n = lengths.length;
    const url = `${stack.baseUrl}/v1/turns/${t.json.turnId}/events`;
    const replay = await readSse(url);
    // the deltas the turn streamed, one event each: cut from its reply at the kept lengths
    expect(replay.map((e) => [e.id, e.event, e.data.stage])).toEqual([
      [1, 'status', null], [2, 'status', 'intent'], [3, 'status', 'response'],
      ...lengths.map((_, i) => [4 + i, 'delta', undefined]), [4 + n, 'done', null],
    ]);
    expect(replay.slice(3, 3 + n).map((e) => e.data.text.length)).toEqual(lengths);
    expect(replay.slice(3, 3 + n).map((e) => e.data.text).join('')).toBe(t.json.response);
    expect(replay[3 + n].data).toEqual(t.json);
    expect(await readSse(url, 3)).toEqual(replay.slice(3));
    expect(await readSse(url, 4)).toEqual(replay.slice(4));

    // A retried attempt keeps its list (it holds the failed attempt's events too) and no ':dl'; once that
    // list is dropped (a session kept forever drops it a day later) the record alone gives one delta.
    const since = Date.now();
    await simConfig(stack, { failRate: 1 });
    const r = (await api.submit(s.id, 'hello')).json;
    await until('its first response attempt to fail', async () => (await simRequests(stack)).some((q) =>
      q.kind === 'chat' && q.outcome === 'failed' && Date.parse(q.at) >= since && q.messages.at(-1)?.content === 'hello'));
    await simConfig(stack, { failRate: 0 });
    const retried = await api.waitTurn(r.turnId, 30_000);
    expect(retried.status).toBe('completed');
    expect(await deltaLengths(retried)).toBeNull();
    expect(await dropEvents(retried)).toBe(1);
    const retriedUrl = `${stack.baseUrl}/v1/turns/${retried.turnId}/events`;
    const rebuilt = await readSse(retriedUrl);
    expect(rebuilt.map((e) => [e.id, e.event, e.data.stage])).toEqual([
      [1, 'status', null], [2, 'status', 'intent'], [3, 'status', 'response'], [4, 'delta', undefined], [5, 'done', null],
    ]);
    expect(rebuilt[3].data.text).toBe(retried.response);
    expect(rebuilt[4].data).toEqual(retried);
    expect((await readSse(retriedUrl, 4)).map((e) => [e.id, e.event])).toEqual([[5, 'done']]);

    // a cancelled turn keeps its list too; dropped, its record says it never started
    await simConfig(stack, { latencyMs: 1500 });
    await api.submit(s.id, 'first');
    const b = await api.submit(s.id, 'second');
    expect((await api.http('DELETE', `/v1/turns/${b.json.turnId}`)).status).toBe(200);
    expect(await dropEvents(b.json)).toBe(1);
    const cancelled = await readSse(`${stack.baseUrl}/v1/turns/${b.json.turnId}/events`);
    expect(cancelled.map((e) => [e.id, e.event, e.data.status])).toEqual([[1, 'status', 'queued'], [2, 'done', 'cancelled']]);
  }, 60_000);

  it('answers 404 for unknown and malformed turn ids', async () => {
    for (const id of ['nope', 'trn_AAAAAAAAAAAAAAAAAAAA_1', `trn_${'A'.repeat(20)}_0`, 'x'.repeat(3000)]) {
      const r = await api.http('GET', `/v1/turns/${id}`);
      expect(r.status).toBe(404);
      expect(isProblem(r)).toBe(true);
    }
  });
});
