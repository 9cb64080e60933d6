import { loadIntentTables } from '#libs/intent';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { clearSimRequests, metricValue, simRequests } from '../support';

const tables = loadIntentTables();
const BUDGET = 1200;

/** Sentiment through the real pipeline: stored on the Turn, steering the reply prompt's tone, counted. */
describe('sentiment and tone on a running stack', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_MAX_CONTEXT_TOKENS: String(BUDGET) } });
    api = client(stack.baseUrl);
  }, 60_000);
  afterAll(async () => { await stack?.stop(); });

  async function turn(sessionId: string, content: string) {
    await clearSimRequests(stack);
    const r = await api.submit(sessionId, content, '?wait=30');
    expect(r.json.status).toBe('completed');
    const requests = await simRequests(stack);
    const chat = requests.find((q) => q.kind === 'chat')!;
    return { turn: r.json, system: chat.messages[0]!.content, classifyCalls: requests.filter((q) => q.kind === 'classify').length };
  }

  it('adds the tone after the state prompt for a negative turn, the stronger one for a run, and none for a warm goodbye', async () => {
    const s = await api.session({ systemPrompt: 'You are Acme support.' });

    const first = await turn(s.id, '배송이 너무 늦어요 ㅠㅠ');
    expect(first.turn.sentiment).toMatchObject({ label: 'negative', method: 'keyword' });
    expect(first.turn.sentiment.intensity).toBeGreaterThan(0);
    expect(first.turn.context.tone).toEqual({ instruction: 'negative', negativeRun: 1 });
    expect(first.system).toBe(`You are Acme support.\n\n${tables.prompts.problem_solving}\n\n${tables.tones.negative}`);

    const second = await turn(s.id, '환불해 주세요. 진짜 화나네요');
    expect(second.turn.context.tone).toEqual({ instruction: 'negative_run', negativeRun: 2 });
    expect(second.system.endsWith(tables.tones.negative_run)).toBe(true);
    expect(second.turn.context.keptTokens).toBeLessThanOrEqual(BUDGET);

    const last = await turn(s.id, '해결됐어요 감사합니다! 좋은 하루 되세요');
    expect(last.turn.intent.label).toBe('ending');
    expect(last.turn.sentiment).toMatchObject({ label: 'positive', method: 'keyword' });
    expect(last.turn.context.tone).toBeNull();
    expect(last.system).toBe(`You are Acme support.\n\n${tables.prompts.ending}`);
  });

  it('takes the sentiment from the same model call when the keywords leave the intent to the model', async () => {
    const s = await api.session();
    const t = await turn(s.id, 'Quantum gravity, tomorrow at noon, maybe. ugh');
    expect(t.turn.intent.method).toBe('llm');
    expect(t.turn.sentiment.method).toBe('llm');
    expect(t.classifyCalls).toBe(1);
  });

  it('counts every sentiment in turnq_sentiment_total by label and method', async () => {
    const [worker] = stack.of('intent-worker');
    const text = await (await fetch(`http://127.0.0.1:${worker!.metricsPort}/metrics`)).text();
    expect(metricValue(text, 'turnq_sentiment_total', { label: 'negative', method: 'keyword' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(text, 'turnq_sentiment_total', { label: 'positive', method: 'keyword' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'turnq_sentiment_total', { method: 'llm' })).toBeGreaterThanOrEqual(1);
  });
});
