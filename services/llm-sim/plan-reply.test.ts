import { tokenCounter } from '#libs/tokens';
import type { ChatRequest, SimMessage } from './chat-request';
import { MAX_REPLY_TOKENS, MIN_REPLY_TOKENS } from './chat-reply';
import { planReply } from './plan-reply';
import { isMostlyKorean } from './seeded-random';

const counter = tokenCounter('gpt-4o-mini');
const noFaults = { badJsonRate: 0, random: Math.random };
const LABELS = ['greeting', 'information_seeking', 'task_execution', 'problem_solving', 'casual_chat', 'ending', 'unknown'];
const CLASSIFY_PROMPT = `Classify the intent of the user's message. Answer JSON {"label", "confidence"}. Labels: ${LABELS.join(', ')}.`;

function request(messages: SimMessage[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4o-mini', messages, stream: false, includeUsage: false, maxTokens: null, temperature: null, json: false, jsonSchema: null, ...extra };
}

describe('planReply: chat', () => {
  it.each([
    ['안녕하세요, 오늘 서울 날씨가 어떤지 알려주실 수 있나요?', true],
    ['Could you explain how the rolling summary works?', false],
    ['Redis 오류가 나요 ECONNREFUSED 😢', true],
  ])('answers %p in the language of the message, saying it is the simulator', (text, korean) => {
    const plan = planReply(request([{ role: 'user', content: text }]), counter, noFaults);
    expect(plan.kind).toBe('chat');
    expect(isMostlyKorean(plan.text)).toBe(korean);
    expect(plan.text).toMatch(korean ? /turnq LLM 시뮬레이터/ : /turnq LLM simulator.*not an answer from a language model/);
  });

  it('gives the same reply to the same message and different lengths to different ones', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `question number ${i}: how do queues work?`);
    const replies = texts.map((t) => planReply(request([{ role: 'user', content: t }]), counter, noFaults).text);
    expect(planReply(request([{ role: 'user', content: texts[3] }]), counter, noFaults).text).toBe(replies[3]);
    const lengths = replies.map((r) => counter.count(r));
    expect(new Set(lengths).size).toBeGreaterThan(5);
    for (const n of lengths) {
      expect(n).toBeGreaterThanOrEqual(MIN_REPLY_TOKENS);
      expect(n).toBeLessThanOrEqual(MAX_REPLY_TOKENS);
    }
  });

  it('wraps the reply in a JSON object when JSON mode is asked without a classification prompt', () => {
    const plan = planReply(request([{ role: 'user', content: 'hi' }], { json: true }), counter, noFaults);
    expect(JSON.parse(plan.text)).toMatchObject({ simulator: 'turnq LLM simulator' });
  });
});

describe('planReply: classification', () => {
  const classify = (content: string, system = CLASSIFY_PROMPT, jsonSchema: Record<string, unknown> | null = null) =>
    JSON.parse(planReply(request([{ role: 'system', content: system }, { role: 'user', content }], { json: true, jsonSchema }), counter, noFaults).text);

  it.each([
    ['감사합니다. 안녕히 계세요.', 'ending'],
    ['안녕하세요!', 'greeting'],
    ['로그인이 안돼요, 에러가 나요', 'problem_solving'],
    ['보고서 작성해줘', 'task_execution'],
    ['Thanks, bye!', 'ending'],
  ])('labels %p as %s with high confidence', (content, label) => {
    expect(classify(content)).toEqual({ label, confidence: 0.9 });
  });

  it('picks only labels named in the prompt, deterministically, for messages no keyword matches', () => {
    for (const content of ['asdf qwer', '음...', 'the weather in Busan', '12345']) {
      const answer = classify(content);
      expect(LABELS).toContain(answer.label);
      expect(answer.confidence).toBeGreaterThanOrEqual(0.5);
      expect(answer.confidence).toBeLessThan(0.9);
      expect(classify(content)).toEqual(answer);
    }
  });

  it('adds the sentiment when the prompt asks for it, and only then', () => {
    const system = `${CLASSIFY_PROMPT} Also give the sentiment and its intensity.`;
    expect(classify('배송이 너무 늦어요 ㅠㅠ', system)).toMatchObject({ sentiment: 'negative', intensity: 0.7 });
    expect(classify('감사합니다!', system)).toMatchObject({ label: 'ending', sentiment: 'positive' });
    expect(classify('12345', system)).toMatchObject({ sentiment: 'neutral', intensity: 0 });
    expect(classify('감사합니다!')).not.toHaveProperty('sentiment');
  });

  it('never answers a label the prompt did not offer', () => {
    const system = 'Classify the intent. Labels: billing, shipping, other. Reply in JSON.';
    for (const content of ['안녕하세요', 'thanks bye', 'where is my parcel?', 'refund please']) {
      expect(['billing', 'shipping', 'other']).toContain(classify(content, system).label);
    }
  });

  it('takes the labels from a json_schema enum when there is one', () => {
    const schema = { type: 'object', properties: { label: { type: 'string', enum: ['yes', 'no'] }, confidence: { type: 'number' } } };
    expect(['yes', 'no']).toContain(classify('hello', 'Classify the intent.', schema).label);
  });

  it('makes the answer unparseable at bad-JSON rate 1', () => {
    const plan = planReply(
      request([{ role: 'system', content: CLASSIFY_PROMPT }, { role: 'user', content: '안녕' }], { json: true }),
      counter,
      { badJsonRate: 1, random: () => 0.5 },
    );
    expect(plan.malformedJson).toBe(true);
    expect(() => JSON.parse(plan.text)).toThrow();
  });
});

describe('planReply: summary', () => {
  const history: SimMessage[] = [
    { role: 'user', content: '배송 조회 부탁드려요' },
    { role: 'assistant', content: '주문 번호를 알려주세요.' },
    { role: 'user', content: '12345입니다' },
    { role: 'assistant', content: '내일 도착 예정입니다.' },
  ];

  it('starts with [sim summary] and names how many messages it folded', () => {
    const plan = planReply(request([{ role: 'system', content: 'Summarize the conversation so far.' }, ...history]), counter, noFaults);
    expect(plan.kind).toBe('summarize');
    expect(plan.text.startsWith('[sim summary]')).toBe(true);
    expect(plan.text).toContain('메시지 4개');
  });

  it('answers a chat prompt that carries a summary as a chat, not as a summary request', () => {
    const plan = planReply(request([{ role: 'system', content: 'Be helpful.\n\nSummary of the earlier conversation (those messages are not repeated below):\nThe user asked about crawlers.' }, { role: 'user', content: 'and then?' }]), counter, noFaults);
    expect(plan.kind).toBe('chat');
  });

  it('counts the lines of a transcript sent as one message', () => {
    const transcript = 'user: hello\nassistant: hi there\nuser: what is BullMQ?\nassistant: a queue\nuser: thanks';
    const plan = planReply(request([{ role: 'system', content: '대화를 요약하세요.' }, { role: 'user', content: transcript }]), counter, noFaults);
    expect(plan.text).toMatch(/^\[sim summary\] Folded 5 messages\./);
  });
});
