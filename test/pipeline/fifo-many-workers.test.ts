import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/**
 * Invariant 1 with several worker processes of each kind: 30 sessions × 8 turns submitted at once,
 * the simulator answering with random latency so workers finish out of submission order.
 */
describe('per-session order across worker processes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 2, 'response-worker': 3, 'summary-worker': 1 },
      env: { LLM_SIM_LATENCY_MS: '5', LLM_SIM_LATENCY_JITTER_MS: '60', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_WORKER_CONCURRENCY: '20', TURNQ_MAX_PENDING_TURNS: '50' },
    });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('starts every turn of a session only after the previous one ended, and stores the history in order', async () => {
    const api = client(stack.baseUrl);
    const sessions = await Promise.all(Array.from({ length: 30 }, () => api.session()));
    const submitted = await Promise.all(sessions.map(async (s, si) => {
      const turns = [];
      for (let i = 0; i < 8; i++) {
        const r = await api.submit(s.id, `session ${si} turn ${i + 1}: 파이썬으로 웹 크롤링하는 방법을 알려주세요`);
        expect(r.status).toBe(202);
        turns.push(r.json);
      }
      return { id: s.id, turns };
    }));

    for (const s of submitted) {
      const ended = [];
      for (const t of s.turns) ended.push(await api.waitTurn(t.turnId, 120_000));
      expect(ended.map((t) => t.status)).toEqual(Array(8).fill('completed'));
      expect(ended.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (let i = 1; i < ended.length; i++) {
        expect(Date.parse(ended[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(ended[i - 1].completedAt));
      }
      const msgs = await api.messages(s.id);
      expect(msgs).toHaveLength(16);
      msgs.forEach((m, i) => {
        expect(m.turnId).toBe(s.turns[Math.floor(i / 2)].turnId);
        expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant');
      });
    }
  }, 180_000);
});
