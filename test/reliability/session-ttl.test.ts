import Redis from 'ioredis';
import { sessionKeys } from '#libs/session';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { readSse, until } from '../support';

/**
 * A session's TTL shorter than its turns (TURNQ_SESSION_TTL_SECONDS=3, every model call takes 5 s):
 * the session, its queued turns and their event lists are kept while a turn owns the session, every
 * turn ends and commits, a queued turn's stream is whole from event 1, and once the session is idle
 * every key it owns — the state history and the turns' event lists included — carries the TTL again
 * (README, "Reliability", session TTL).
 */
describe('a session whose TTL is shorter than its turns', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const redis = new Redis(process.env.REDIS_URL!);

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: { TURNQ_SESSION_TTL_SECONDS: '3', LLM_SIM_LATENCY_MS: '5000', LLM_SIM_TOKENS_PER_SECOND: '0' },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });

  it('keeps the session and its queued turn while a turn runs, completes both, then expires every key it owns', async () => {
    const s = await api.session();
    // a keyword intent that moves the state: the intent commit writes the state history
    const first = await api.submit(s.id, '큐가 어떻게 동작하는지 설명해줘');
    const second = await api.submit(s.id, 'and then? 설명 more, please');
    expect([first.status, second.status]).toEqual([202, 202]);
    const keys = sessionKeys(stack.namespace, 1, s.id);

    // past the TTL, mid-turn: nothing of the session has expired or is about to
    await until('the first turn to run for longer than the TTL', async () => {
      const t = await api.http('GET', `/v1/turns/${first.json.turnId}`);
      return t.json.status === 'running' && Date.now() - Date.parse(t.json.createdAt) > 4000;
    }, 30_000);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).status).toBe(200);
    expect(await redis.ttl(keys.scriptKeys[0])).toBe(-1);
    expect(await redis.ttl(`${keys.eventPrefix}2`)).toBe(-1); // the queued turn's events live as long as its session

    const done = await Promise.all([first, second].map((r) => api.waitTurn(r.json.turnId, 60_000)));
    expect(done.map((t) => t.status)).toEqual(['completed', 'completed']);
    const messages = await api.messages(s.id);
    expect(messages).toHaveLength(4);
    const session = (await api.http('GET', `/v1/sessions/${s.id}`)).json;
    expect(session.stateHistory.length).toBeGreaterThan(0);

    // the queued turn's stream is whole: ids from 1 with no gap, starting at its queued status
    const events = await readSse(stack.baseUrl, second.json.turnId);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ event: 'status', data: { status: 'queued' } });
    expect(events.at(-1)!.event).toBe('done');

    // idle again: every key that exists carries the TTL, the state history included
    const owned = [...keys.scriptKeys.slice(0, 6), `${keys.eventPrefix}1`, `${keys.eventPrefix}2`];
    expect(await redis.exists(keys.scriptKeys[4])).toBe(1);
    for (const key of owned) {
      const ttl = await redis.ttl(key);
      expect([key, ttl === -2 || (ttl > 0 && ttl <= 3)]).toEqual([key, true]);
    }
    await until('every key of the session to expire', async () => (await redis.exists(...owned)) === 0, 15_000);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).status).toBe(404);
  });
});
