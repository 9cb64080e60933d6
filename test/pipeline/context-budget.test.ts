import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

const BUDGET = 600;

/**
 * Invariants 5 and 6 end to end, read from what the model actually received (the simulator's request
 * log): 30 long turns in a 600-token budget with rolling summaries.
 */
describe('context budget and rolling summaries', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_MAX_CONTEXT_TOKENS: String(BUDGET),
        TURNQ_MAX_REPLY_TOKENS: '60', TURNQ_SUMMARY_TRIGGER_RATIO: '0.4', TURNQ_SUMMARY_KEEP_MESSAGES: '4', TURNQ_SUMMARY_MAX_TOKENS: '80',
      },
    });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('keeps every prompt within budget, in order, with a summary and no gap between summary and history', async () => {
    const api = client(stack.baseUrl);
    const s = await api.session({ systemPrompt: 'You are a patient tutor.' });
    const covers: Array<[number, number]> = [];
    for (let k = 1; k <= 30; k++) {
      const before = (await api.http('GET', `/v1/sessions/${s.id}`)).json.summary?.coversMessages ?? 0;
      const t = await api.submit(s.id, `turn ${k}: explain step ${k} of building a web crawler in Python, with requests, parsing, politeness and retries`, '?wait=30');
      expect([k, t.json.status]).toEqual([k, 'completed']);
      expect(t.json.usage.promptTokens).toBeLessThanOrEqual(BUDGET);
      // let a queued summary settle so the next prompt's cut-off is known within [before, after]
      await waitSummaryIdle(stack);
      const after = (await api.http('GET', `/v1/sessions/${s.id}`)).json.summary?.coversMessages ?? 0;
      covers.push([before, after]);
    }

    const log = await (await fetch(`${stack.simUrl}/_sim/requests?limit=1000`)).json() as { requests: Array<{ kind: string; promptTokens: number; messages: Array<{ role: string; content: string }> }> };
    const chats = log.requests.filter((r) => r.kind === 'chat');
    expect(chats).toHaveLength(30);
    const counter = tokenCounter('gpt-4o-mini');
    let summaryUsed = 0;
    chats.forEach((req, i) => {
      const k = i + 1;
      // exact accounting: our count of the prompt equals the provider-side count, and fits the budget
      expect(chatPromptTokens(counter, req.messages)).toBe(req.promptTokens);
      expect(req.promptTokens).toBeLessThanOrEqual(BUDGET);
      expect(req.messages[0].role).toBe('system');
      expect(req.messages.filter((m) => m.role === 'system')).toHaveLength(1);
      expect(req.messages[req.messages.length - 1].content.startsWith(`turn ${k}:`)).toBe(true);
      if (req.messages[0].content.includes('[sim summary]')) summaryUsed++;
      const history = req.messages.slice(1, -1);
      const turnsIn = history.filter((m) => m.role === 'user').map((m) => Number(/^turn (\d+):/.exec(m.content)![1]));
      // chronological, contiguous, ending with the previous turn, each user message followed by its reply
      turnsIn.forEach((n, j) => expect(n).toBe(k - turnsIn.length + j));
      history.forEach((m, j) => expect(m.role).toBe(j % 2 === 0 ? 'user' : 'assistant'));
      // no gap: the history starts right after the summary's cut-off that was in force for this turn
      const firstMessage = 2 * (k - 1 - turnsIn.length); // messages before the included history
      const [lo, hi] = covers[i];
      expect([k, firstMessage >= lo && firstMessage <= hi]).toEqual([k, true]);
    });
    expect(summaryUsed).toBeGreaterThan(5);
    const session = (await api.http('GET', `/v1/sessions/${s.id}`)).json;
    expect(session.summary.coversMessages).toBeGreaterThan(0);
    const msgs = await api.messages(s.id);
    expect(msgs).toHaveLength(60);
    msgs.forEach((m, j) => expect(m.summarized).toBe(j < session.summary.coversMessages));
  }, 120_000);
});

async function waitSummaryIdle(stack: Stack): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const busy = ['waiting', 'active', 'delayed', 'prioritized'].reduce((n, state) => {
      const m = new RegExp(`turnq_queue_jobs\\{[^}]*queue="summary"[^}]*state="${state}"[^}]*\\} (\\d+)`).exec(text)
        ?? new RegExp(`turnq_queue_jobs\\{[^}]*state="${state}"[^}]*queue="summary"[^}]*\\} (\\d+)`).exec(text);
      return n + (m ? Number(m[1]) : 0);
    }, 0);
    if (busy === 0 || Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
