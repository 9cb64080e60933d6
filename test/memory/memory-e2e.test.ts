import { createRedis, type Redis } from '#libs/redis';
import { memoryKeys, userHash } from '#libs/memory';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { FAST_RECOVERY_ENV, allLogs, clearSimRequests, metricValue, simConfig, simRequests, until } from '../support';

const BUDGET = 700;
const STATED = '제 이름은 김민수예요. 저는 채식주의자라 고기를 안 먹어요.';

/**
 * Long-term memory end to end, with real processes: the gateway, the workers (a memory worker among
 * them), the simulator (its embeddings and its answer to the extraction prompt), real Redis.
 */
describe('long-term memory per user', () => {
  let stack: Stack;
  let redis: Redis;
  const t1 = () => client(stack.baseUrl, 'key-one');
  const t2 = () => client(stack.baseUrl, 'key-two');

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'memory-worker': 1 },
      env: { ...FAST_RECOVERY_ENV, TURNQ_API_KEYS: 'key-one=t1,key-two=t2', TURNQ_MAX_CONTEXT_TOKENS: String(BUDGET), TURNQ_MAX_REPLY_TOKENS: '60' },
    });
    redis = createRedis(process.env.REDIS_URL!, 'worker');
  }, 180_000); // seven processes start one after another; on a busy 2-core box each can take 20 s
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  async function memoriesOf(api: ReturnType<typeof client>, userId: string): Promise<any[]> {
    const r = await api.http('GET', `/v1/users/${encodeURIComponent(userId)}/memories?limit=200`);
    expect(r.status).toBe(200);
    return r.json.memories;
  }

  /** Every key whose name holds the user's hash (a memory key of theirs, in any partition). */
  async function keysOf(tenant: string, userId: string): Promise<string[]> {
    const uh = userHash(tenant, userId);
    const left: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${uh}*`, 'COUNT', 1000);
      left.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return left;
  }

  async function noMemoryJobLeft(): Promise<void> {
    await until('no memory job left', async () => {
      const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
      return ['waiting', 'active', 'delayed'].every((state) => metricValue(text, 'turnq_queue_jobs', { queue: 'memory', state }) === 0);
    }, 30_000);
  }

  async function say(api: ReturnType<typeof client>, sessionId: string, content: string): Promise<any> {
    const r = await api.submit(sessionId, content, '?wait=30');
    expect([r.status, r.json.status]).toEqual([200, 'completed']);
    return r.json;
  }

  /** The system message of the reply request the simulator received last for a user message `content`. */
  const memoryWorkerMetrics = async () => (await fetch(`http://127.0.0.1:${stack.of('memory-worker')[0].metricsPort}/metrics`)).text();
  /** The session's next turn places no memory, and none of `gone` reaches its system prompt. */
  async function nextTurnUsesNone(sessionId: string, ask: string, gone: string[]): Promise<void> {
    const turn = await say(t1(), sessionId, ask);
    expect(turn.context.memories).toBe(0);
    const { system } = await promptOf(ask);
    for (const text of gone) expect(system).not.toContain(text);
  }

  async function promptOf(content: string): Promise<{ system: string; tokens: number; messages: any[] }> {
    const req = (await simRequests(stack)).filter((q) => q.kind === 'chat' && q.messages[q.messages.length - 1].content === content).pop();
    if (!req) throw new Error(`no chat request for ${content}`);
    return { system: req.messages[0].role === 'system' ? req.messages[0].content : '', tokens: chatPromptTokens(tokenCounter('gpt-4o-mini'), req.messages as any), messages: req.messages };
  }

  it('remembers what a user stated in one session in their next session, and a later contradiction supersedes it', async () => {
    const user = 'minsu-1';
    const first = await t1().session({ userId: user });
    expect((await t1().http('GET', `/v1/sessions/${first.id}`)).json.memory).toBe(true);
    const stated = await say(t1(), first.id, STATED);
    expect(stated.context.memories).toBe(0);
    const kept = await until('two memories extracted', async () => {
      const m = await memoriesOf(t1(), user);
      return m.length >= 2 ? m : null;
    });
    expect(kept.map((m) => [m.kind, m.text]).sort()).toEqual([
      ['preference', '사용자는 채식주의자라 고기를 안 먹어요.'],
      ['profile', '사용자의 이름은 김민수입니다.'],
    ]);
    for (const m of kept) expect(m).toMatchObject({ userId: user, sourceTurnId: stated.turnId, supersedes: [] });

    const second = await t1().session({ userId: user });
    const ask = '오늘 저녁 메뉴 좀 추천해 주세요';
    const turn = await say(t1(), second.id, ask);
    expect(turn.context.memories).toBeGreaterThanOrEqual(1);
    const prompt = await promptOf(ask);
    expect(prompt.system).toContain('김민수');
    expect(prompt.system).toContain('채식주의자');
    expect(prompt.tokens).toBeLessThanOrEqual(BUDGET);

    const changed = await say(t1(), second.id, '사실 저는 이제 고기도 먹어요.');
    const diet = await until('the diet memory superseded', async () => {
      const m = (await memoriesOf(t1(), user)).find((x) => x.kind === 'preference');
      return m?.supersedes.length === 1 ? m : null;
    });
    expect(diet).toMatchObject({ text: '사용자는 이제 고기도 먹어요.', sourceTurnId: changed.turnId, supersedes: [{ text: '사용자는 채식주의자라 고기를 안 먹어요.' }] });
    expect(Date.parse(diet.supersedes[0].until)).toBeGreaterThanOrEqual(Date.parse(diet.createdAt));
    expect(await memoriesOf(t1(), user)).toHaveLength(2);

    const third = await t1().session({ userId: user });
    const again = '주말에 뭐 먹을까요?';
    await say(t1(), third.id, again);
    const later = await promptOf(again);
    expect(later.system).toContain('고기도 먹어요');
    expect(later.system).not.toContain('채식주의자라');
  }, 120_000);

  it("another tenant's same userId is another user: sees nothing, reaches nothing", async () => {
    const user = 'shared-name';
    const own = await t1().session({ userId: user });
    await say(t1(), own.id, '제 이름은 박지훈이에요.');
    const [mine] = await until('a memory of tenant one', async () => {
      const m = await memoriesOf(t1(), user);
      return m.length ? m : null;
    });
    expect(await memoriesOf(t2(), user)).toEqual([]);
    expect((await t2().http('DELETE', `/v1/users/${user}/memories/${mine.id}`)).status).toBe(404);
    expect((await t2().http('GET', `/v1/users/${user}/memories?before=${mine.id}`)).status).toBe(400);
    const theirs = await t2().session({ userId: user });
    const ask = '제 이름이 뭐였죠?';
    const turn = await say(t2(), theirs.id, ask);
    expect(turn.context.memories).toBe(0);
    expect((await promptOf(ask)).system).not.toContain('박지훈');
    expect(await memoriesOf(t1(), user)).toHaveLength(1);
  }, 60_000);

  it('deleting all of a user\'s memories leaves no key of theirs, and the next turn uses none', async () => {
    const user = 'forget-me';
    const s = await t1().session({ userId: user });
    await say(t1(), s.id, '저는 부산에 살아요.');
    await until('a memory', async () => (await memoriesOf(t1(), user)).length === 1);
    const added = await t1().http('POST', `/v1/users/${user}/memories`, { body: { text: '사용자는 땅콩 알레르기가 있어요.', kind: 'fact' } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ userId: user, kind: 'fact', sourceTurnId: null, supersedes: [] });
    // wait until the turn's memory job is done (its applied-turn mark is one of the user's keys)
    await until('the memory job to finish', async () => (await redis.exists(memoryKeys(stack.namespace, 1, 't1', user).scriptKeys[5])) === 1);

    expect((await t1().http('DELETE', `/v1/users/${user}/memories`)).status).toBe(204);
    expect(await memoriesOf(t1(), user)).toEqual([]);
    expect(await redis.exists(...memoryKeys(stack.namespace, 1, 't1', user).scriptKeys)).toBe(0);
    expect(await keysOf('t1', user)).toEqual([]);

    await nextTurnUsesNone(s.id, '오늘 날씨 어때요?', ['부산']);
  }, 60_000);

  it('a delete-all while an extraction is in flight: the extraction writes nothing afterwards, and the next turn uses none', async () => {
    const user = 'forget-mid-flight';
    const s = await t1().session({ userId: user });
    await say(t1(), s.id, '제 이름은 이서연이에요.');
    await until('a memory', async () => (await memoriesOf(t1(), user)).length === 1);
    await noMemoryJobLeft();
    const skippedBefore = metricValue(await memoryWorkerMetrics(), 'turnq_memory_extractions_total', { outcome: 'skipped' });

    // the next turn's extraction is held at the model (it has read the turn), and the delete comes meanwhile
    await clearSimRequests(stack);
    await simConfig(stack, { latencyMs: 3000 });
    try {
      expect((await t1().submit(s.id, '저는 대구에 살아요.')).status).toBe(202);
      await until('the extraction call in flight', async () => (await simRequests(stack)).some((r) => (r.kind as string) === 'extract' && r.outcome === 'pending'), 30_000);
      expect((await t1().http('DELETE', `/v1/users/${user}/memories`)).status).toBe(204);
    } finally {
      await simConfig(stack, { latencyMs: 0 });
    }
    await until('the extraction call answered', async () => (await simRequests(stack)).filter((r) => (r.kind as string) === 'extract').every((r) => r.outcome !== 'pending'), 30_000);
    await noMemoryJobLeft();
    const memMetrics = await memoryWorkerMetrics();
    expect(metricValue(memMetrics, 'turnq_memory_extractions_total', { outcome: 'skipped' })).toBe(skippedBefore + 1);
    // turned away for good, not retried into a new generation: one extraction call in all
    expect((await simRequests(stack)).filter((r) => (r.kind as string) === 'extract')).toHaveLength(1);
    expect(await memoriesOf(t1(), user)).toEqual([]);
    expect(await keysOf('t1', user)).toEqual([]);

    await nextTurnUsesNone(s.id, '제가 어디 산다고 했죠?', ['대구에 살아요', '이서연입니다']);
  }, 90_000);

  it('an embedding failure does not fail the turn: the reply comes without memories, and a warning and a metric say so', async () => {
    const user = 'embed-fails';
    expect((await t1().http('POST', `/v1/users/${user}/memories`, { body: { text: '사용자는 고양이 두 마리를 키워요.', kind: 'profile' } })).status).toBe(201);
    const s = await t1().session({ userId: user });
    const responseMetrics = async () => (await fetch(`http://127.0.0.1:${stack.of('response-worker')[0].metricsPort}/metrics`)).text();
    const embedErrorsBefore = metricValue(await responseMetrics(), 'turnq_llm_errors_total', { operation: 'embed' });
    const ask = '고양이 사료 좀 추천해 주세요';
    await simConfig(stack, { failRate: 1, faultKinds: ['embed'] });
    let turn: any;
    try {
      turn = await say(t1(), s.id, ask);
    } finally {
      await simConfig(stack, { failRate: 0, faultKinds: [] });
    }
    expect(turn.response.length).toBeGreaterThan(0);
    expect(turn.context.memories).toBe(0);
    expect((await promptOf(ask)).system).not.toContain('고양이 두 마리');
    expect(metricValue(await responseMetrics(), 'turnq_llm_errors_total', { operation: 'embed', error_type: 'server' })).toBeGreaterThan(embedErrorsBefore);
    // the worker's log file is written asynchronously: the line can land just after the turn's answer
    const warned = await until('the retrieval warning in the response worker\'s log', () => {
      const lines = allLogs(stack).split('\n').filter((l) => l.includes('memory retrieval failed; replying without memories'));
      return lines.length > 0 && lines.map((l) => JSON.parse(l));
    });
    expect(warned.every((l) => l.level === 40 && !JSON.stringify(l).includes('고양이'))).toBe(true);

    // with embeddings back, the same user's next turn has the memory again
    const again = '고양이 장난감도 추천해 주세요';
    expect((await say(t1(), s.id, again)).context.memories).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a memory worker SIGKILLed mid-extraction leaves no duplicate memory', async () => {
    const user = 'crash-user';
    const s = await t1().session({ userId: user });
    await clearSimRequests(stack);
    await simConfig(stack, { latencyMs: 3000 });
    const sub = await t1().submit(s.id, '저는 서울에 살고 있어요. 제 이름은 최유나입니다.');
    expect(sub.status).toBe(202);
    try {
      await until('the extraction call in flight', async () => (await simRequests(stack)).some((r) => (r.kind as string) === 'extract' && r.outcome === 'pending'), 30_000);
      const [worker] = stack.of('memory-worker');
      await stack.kill(worker, 'SIGKILL');
    } finally {
      await simConfig(stack, { latencyMs: 0 });
    }
    await stack.start('memory-worker');
    const memories = await until('the memories of the re-run', async () => {
      const m = await memoriesOf(t1(), user);
      return m.length >= 2 ? m : null;
    }, 30_000);
    // let any second run finish too, then count again: still exactly one memory per statement
    await until('no memory job left', async () => {
      const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
      return ['waiting', 'active', 'delayed'].every((state) => metricValue(text, 'turnq_queue_jobs', { queue: 'memory', state }) === 0);
    }, 30_000);
    const final = await memoriesOf(t1(), user);
    expect(final.map((m) => m.text).sort()).toEqual(['사용자는 서울에 살고 있어요.', '사용자의 이름은 최유나입니다.']);
    expect(memories).toHaveLength(2);
  }, 90_000);

  it('memories never push a prompt past TURNQ_MAX_CONTEXT_TOKENS, nor displace the system prompt or the new turn', async () => {
    const user = 'many-memories';
    for (let i = 0; i < 40; i++) {
      const r = await t1().http('POST', `/v1/users/${user}/memories`, { body: { text: `사용자는 ${i}번째 취미로 오래된 필름 카메라 수리와 사진 현상을 즐기며 주말마다 동호회에 나갑니다.`, kind: 'profile' } });
      expect(r.status).toBe(201);
    }
    const s = await t1().session({ userId: user, systemPrompt: 'You are a careful assistant. SYSTEM-MARKER.' });
    const long = '카메라 수리에 대해 길게 설명해 주세요. '.repeat(12).trim();
    for (let k = 0; k < 6; k++) {
      const turn = await say(t1(), s.id, `${k}: ${long}`);
      expect(turn.context.memories).toBeGreaterThanOrEqual(1);
      expect(turn.usage.promptTokens).toBeLessThanOrEqual(BUDGET);
      const p = await promptOf(`${k}: ${long}`);
      expect(p.tokens).toBeLessThanOrEqual(BUDGET);
      expect(p.system.startsWith('You are a careful assistant. SYSTEM-MARKER.')).toBe(true);
      expect(p.messages[p.messages.length - 1]).toEqual({ role: 'user', content: `${k}: ${long}` });
    }
    const metrics = await (await fetch(`http://127.0.0.1:${stack.of('response-worker')[0].metricsPort}/metrics`)).text();
    expect(metricValue(metrics, 'turnq_memory_retrieval_seconds_count')).toBeGreaterThan(0);
    expect(metricValue(metrics, 'turnq_memory_tokens_total')).toBeGreaterThan(0);
    const memMetrics = await memoryWorkerMetrics();
    expect(metricValue(memMetrics, 'turnq_memory_extractions_total')).toBeGreaterThan(0);
  }, 120_000);

  it('a session with "memory": false neither feeds nor uses the memory', async () => {
    const user = 'opted-out';
    await t1().http('POST', `/v1/users/${user}/memories`, { body: { text: '사용자의 이름은 한소희입니다.', kind: 'profile' } });
    const s = await t1().session({ userId: user, memory: false });
    expect((await t1().http('GET', `/v1/sessions/${s.id}`)).json.memory).toBe(false);
    const ask = '제 이름은 정우성이에요. 제 이름 기억하세요?';
    const turn = await say(t1(), s.id, ask);
    expect(turn.context.memories).toBe(0);
    expect((await promptOf(ask)).system).not.toContain('한소희');
    await until('no memory job left', async () => {
      const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
      return ['waiting', 'active', 'delayed'].every((state) => metricValue(text, 'turnq_queue_jobs', { queue: 'memory', state }) === 0);
    });
    expect((await memoriesOf(t1(), user)).map((m) => m.text)).toEqual(['사용자의 이름은 한소희입니다.']);
  }, 60_000);

  it('the memory routes answer bad input like every other route, in the contract\'s order, and store nothing', async () => {
    const user = 'strict-user';
    const path = `/v1/users/${user}/memories`;
    const none = client(stack.baseUrl);
    expect((await none.http('GET', path)).status).toBe(401);
    expect((await none.http('POST', path, { raw: 'text', headers: { 'content-type': 'text/plain' } })).status).toBe(401);
    expect((await t1().http('POST', path, { raw: 'text', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await t1().http('POST', path, { raw: JSON.stringify({ text: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } })).status).toBe(413);
    for (const [body, detail] of [
      [{}, 'body.text: is required'], [{ text: '' }, 'body.text'], [{ text: 'x'.repeat(2001) }, 'body.text'],
      [{ text: 'ok', kind: 'secret' }, 'body.kind'], [{ text: 'ok', extra: 1 }, 'body.extra: unknown field'],
    ] as const) {
      const r = await t1().http('POST', path, { body });
      expect([r.status, r.headers.get('content-type')]).toEqual([400, 'application/problem+json; charset=utf-8']);
      expect(r.json.detail).toContain(detail);
    }
    expect((await t1().http('GET', `/v1/users/${'u'.repeat(129)}/memories`)).status).toBe(400);
    expect((await t1().http('GET', `${path}?limit=0`)).status).toBe(400);
    expect((await t1().http('GET', `${path}?before=nope`)).status).toBe(400);
    expect((await t1().http('DELETE', `${path}/mem_doesnotexist`)).status).toBe(404);
    expect((await t1().http('PUT', path, { body: { text: 'x' } })).status).toBe(405);
    expect(await memoriesOf(t1(), user)).toEqual([]);
    expect(await redis.exists(...memoryKeys(stack.namespace, 1, 't1', user).scriptKeys)).toBe(0);
  });
});
