import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { buildContext } from './build-context';
import type { ContextInput, HistoryMessage } from './context-types';

// The real tokenizer: the memory cap and the budget are checked against the provider's own count.
const counter = tokenCounter('gpt-4o-mini');
const count = (t: string) => counter.count(t);
const MEMORIES = [
  '사용자의 이름은 김민수입니다.',
  '사용자는 채식주의자라 고기를 안 먹어요.',
  'The user lives in Busan and works as a nurse on night shifts.',
  'The user prefers short answers with examples in TypeScript.',
  'The user is allergic to peanuts.',
];

function history(n: number): HistoryMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${i}`, turnId: `t${Math.floor(i / 2)}`, role: i % 2 ? 'assistant' as const : 'user' as const,
    content: `message ${i}: some earlier conversation text that takes a few tokens of the budget`, tokens: count(`message ${i}: some earlier conversation text that takes a few tokens of the budget`),
  }));
}

function input(o: Partial<ContextInput>): ContextInput {
  const newTurn = o.newTurn ?? '저녁 메뉴 추천해 주세요';
  return { systemPrompt: 'You are helpful.', summary: null, history: [], newTurn, newTurnTokens: count(newTurn), budget: 4000, count, importance: false, ...o };
}

describe('buildContext with long-term memories', () => {
  it('places memories in the system message, best first, and reports how many', () => {
    const r = buildContext(input({ memories: { texts: MEMORIES, maxTokens: 300 } }));
    expect(r.report.memories).toBe(5);
    expect(r.memories.placed).toEqual([0, 1, 2, 3, 4]);
    expect(r.messages[0].role).toBe('system');
    expect(r.messages[0].content.startsWith('You are helpful.')).toBe(true);
    for (const m of MEMORIES) expect(r.messages[0].content).toContain(m);
    expect(chatPromptTokens(counter, r.messages)).toBe(r.promptTokens);
    expect(r.memories.tokens).toBe(chatPromptTokens(counter, r.messages) - chatPromptTokens(counter, buildContext(input({})).messages));
  });

  it('keeps memories under their own cap', () => {
    const r = buildContext(input({ memories: { texts: MEMORIES, maxTokens: 40 } }));
    expect(r.report.memories).toBeGreaterThan(0);
    expect(r.report.memories).toBeLessThan(5);
    expect(r.memories.tokens).toBeLessThanOrEqual(40);
  });

  it('never pushes the prompt past the budget, nor displaces the system prompt, the summary or the new turn', () => {
    for (const budget of [60, 80, 100, 150, 200, 300, 500]) {
      const r = buildContext(input({ budget, summary: 'The user asked about dinner twice.', history: history(20), memories: { texts: MEMORIES, maxTokens: 300 } }));
      expect([budget, chatPromptTokens(counter, r.messages) <= budget]).toEqual([budget, true]);
      expect(r.messages[0].content.startsWith('You are helpful.')).toBe(true);
      expect(r.messages[0].content).toContain('The user asked about dinner twice.');
      expect(r.messages[r.messages.length - 1]).toEqual({ role: 'user', content: '저녁 메뉴 추천해 주세요' });
    }
    // no room at all beyond the fixed parts: no memory
    const bare = buildContext(input({ summary: 'The user asked about dinner twice.' }));
    const tight = buildContext(input({ budget: bare.promptTokens, summary: 'The user asked about dinner twice.', memories: { texts: MEMORIES, maxTokens: 300 } }));
    expect(tight.report.memories).toBe(0);
    expect(tight.messages).toEqual(bare.messages);
  });

  it('no memories: the prompt is exactly what it was without them', () => {
    const a = buildContext(input({ history: history(6) }));
    const b = buildContext(input({ history: history(6), memories: { texts: [], maxTokens: 300 } }));
    expect(b.messages).toEqual(a.messages);
    expect(b.report).toEqual({ ...a.report, memories: 0 });
  });
});
