import { createHash } from 'node:crypto';
import { createRedis } from '#libs/redis';
import * as S from '../../libs/session/session-scripts';
import { client } from '../http-client';
import { startLossyProxy, type LossyProxy } from '../lossy-proxy';
import { startStack, type Stack } from '../start-stack';
import { readSse, replyFromSse, simConfig, simRequests, until } from '../support';

/**
 * What identifies one script on the wire: ioredis sends a script's body (EVAL) the first time on a
 * connection and its sha (EVALSHA) after that; the snippet is a line only that script has.
 */
const script = (lua: string, snippet: string): string[] => {
  if (!lua.includes(snippet)) throw new Error(`snippet not in the script: ${snippet}`);
  return [createHash('sha1').update(lua).digest('hex'), snippet];
};
const CANCEL = script(S.CANCEL, "redis.call('LREM', KEYS[4], 1, seq)");
const DELTA = script(S.DELTA, "return emit(seq, 'delta', ARGV[6])");
const COMMIT_RESPONSE = script(S.COMMIT_RESPONSE, ',"r":"assistant","s":');
const BEGIN_RESPONSE = script(S.BEGIN_RESPONSE, 'while idx >= covers and #picked < maxMsg and tokens < maxTok do');
const DELETE = script(S.DELETE, "for i = 1, n do redis.call('UNLINK', evp .. i) end");

/**
 * Invariant 3 when a Redis reply is lost: the gateway and the response worker talk to Redis through a
 * TCP proxy that lets one command through, swallows Redis's reply and resets the connection. Each
 * script must then take effect once, and its caller still get the right answer (README, "Reliability",
 * lost replies). The reconciler is off (a very long interval): nothing here may rely on it.
 */
describe('a Redis reply lost after the command ran', () => {
  let proxy: LossyProxy;
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const redis = createRedis(process.env.REDIS_URL!, 'worker'); // straight to Redis, not through the proxy

  beforeAll(async () => {
    const u = new URL(process.env.REDIS_URL!);
    proxy = await startLossyProxy({ host: u.hostname, port: Number(u.port) });
    const viaProxy = { REDIS_URL: proxy.url };
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '400', TURNQ_RECONCILE_INTERVAL_MS: '3600000', TURNQ_RECONCILE_AFTER_MS: '3600000' },
      serviceEnv: { gateway: viaProxy, 'response-worker': viaProxy },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    redis.disconnect();
  });
  afterEach(async () => { await simConfig(stack, { latencyMs: 0 }); });

  it('a submit without Idempotency-Key whose reply is lost creates exactly one turn, the one the client is told about', async () => {
    const s = await api.session();
    const content = `lost-reply submit ${Math.random()}`;
    const lost = proxy.loseReplyTo(content);
    const r = await api.submit(s.id, content);
    await lost;
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ seq: 1, input: content });
    expect((await api.waitTurn(r.json.turnId)).status).toBe('completed');
    const messages = await api.messages(s.id);
    expect(messages.map((m) => [m.turnId, m.role])).toEqual([[r.json.turnId, 'user'], [r.json.turnId, 'assistant']]);
    expect((await api.http('GET', `/v1/turns/${r.json.turnId.replace(/_1$/, '_2')}`)).status).toBe(404);
  });

  it('a cancel whose reply is lost answers 200 cancelled, not 409', async () => {
    await simConfig(stack, { latencyMs: 60_000 }); // the first turn holds the session while the second is cancelled
    const s = await api.session();
    const first = await api.submit(s.id, 'hold the session, please');
    const second = await api.submit(s.id, 'cancel me');
    expect(second.json.status).toBe('queued');
    const lost = proxy.loseReplyTo(...CANCEL);
    const r = await api.http('DELETE', `/v1/turns/${second.json.turnId}`);
    await lost;
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ turnId: second.json.turnId, status: 'cancelled' });
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json.pendingTurns).toBe(0);
    await api.http('DELETE', `/v1/sessions/${s.id}`);
    void first;
  });

  it('a delta whose reply is lost is stored once: the streamed deltas add up to the stored reply', async () => {
    const s = await api.session();
    const lost = proxy.loseReplyTo(...DELTA);
    const r = await api.submit(s.id, 'Tell me a long story about queues and sessions, please.');
    await lost;
    const done = await api.waitTurn(r.json.turnId);
    expect(done.status).toBe('completed');
    const events = await readSse(stack.baseUrl, r.json.turnId);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.event === 'delta').length).toBeGreaterThan(1);
    expect(replyFromSse(events)).toBe(done.response);
  });

  it('a response commit whose reply is lost still hands the session to the next turn at once', async () => {
    const s = await api.session();
    const lost = proxy.loseReplyTo(...COMMIT_RESPONSE);
    const first = await api.submit(s.id, 'first turn: hello there');
    const second = await api.submit(s.id, 'second turn: hello again');
    await lost;
    expect((await api.waitTurn(first.json.turnId)).status).toBe('completed');
    // without the reconciler, only the commit's own answer (the next turn) can start the second turn
    expect((await api.waitTurn(second.json.turnId, 30_000)).status).toBe('completed');
    const messages = await api.messages(s.id);
    expect(messages.map((m) => m.turnId)).toEqual([first.json.turnId, first.json.turnId, second.json.turnId, second.json.turnId]);
  });

  it('a response begin whose reply is lost starts one attempt: no restart, one model call, the deltas add up to the reply', async () => {
    const s = await api.session();
    const content = `lost-reply begin ${Math.random()}: tell me a long story about queues, please.`;
    const lost = proxy.loseReplyTo(...BEGIN_RESPONSE);
    const r = await api.submit(s.id, content);
    await lost;
    const done = await api.waitTurn(r.json.turnId);
    expect(done.status).toBe('completed');
    const events = await readSse(stack.baseUrl, r.json.turnId);
    expect(events.filter((e) => e.event === 'status' && e.data.restarted)).toEqual([]);
    const deltas = events.filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((e) => e.data.text).join('')).toBe(done.response);
    const replies = (await simRequests(stack)).filter((q) => q.kind === 'chat' && q.messages.some((m) => m.content.includes(content)));
    expect(replies.map((q) => q.outcome)).toEqual(['completed']);
  });

  it('a session create whose reply is lost answers 201 for the one session it stored, and leaves no other', async () => {
    const mark = `lost-reply create ${Math.random()}`;
    const lost = proxy.loseReplyTo(mark);
    const r = await api.http('POST', '/v1/sessions', { body: { metadata: { mark } } });
    await lost;
    expect(r.status).toBe(201);
    expect((await api.http('GET', `/v1/sessions/${r.json.id}`)).json).toMatchObject({ id: r.json.id, metadata: { mark }, createdAt: r.json.createdAt });
    const marked: string[] = [];
    for (const key of await redis.keys(`{${stack.namespace}-*}:s:ses_*`)) {
      if ((await redis.hget(key, 'md'))?.includes(mark)) marked.push(key.slice(key.indexOf(':s:') + 3));
    }
    expect(marked).toEqual([r.json.id]);
  });

  it('a session delete whose reply is lost answers 404 when re-run (by design), and the session is gone', async () => {
    const s = await api.session();
    const lost = proxy.loseReplyTo(...DELETE);
    const r = await api.http('DELETE', `/v1/sessions/${s.id}`);
    await lost;
    // the re-run finds no session: 404, as a repeated DELETE of a gone resource (README, "Reliability")
    expect(r.status).toBe(404);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).status).toBe(404);
  });

  it('keeps answering after the lost replies: the gateway and the worker are back on their own', async () => {
    await until('a fresh turn to complete through the proxy', async () => {
      const s = await api.session();
      const r = await api.submit(s.id, 'hello', '?wait=20');
      return r.status === 200 && r.json.status === 'completed';
    }, 30_000);
  });
});
