import { chatPromptTokens, tokenCounter, type TokenCounter } from '#libs/tokens';
import { buildContext } from './build-context';
import { ContextOverflowError } from './context-overflow-error';
import type { ContextInput, HistoryMessage } from './context-types';

// Pure code, so a simple deterministic counter is enough; one test below uses the real tokenizer.
const count = (text: string): number => Math.ceil([...text].length / 3);
const fakeCounter: TokenCounter = { encoding: 'o200k_base', count };

function message(id: string, turnId: string, role: 'user' | 'assistant', content: string, intent?: string): HistoryMessage {
  return { id, turnId, role, content, tokens: count(content), intent: intent ?? null };
}

function pair(n: number, question: string, answer: string, intent?: string): HistoryMessage[] {
  return [message(`u${n}`, `t${n}`, 'user', question, intent), message(`a${n}`, `t${n}`, 'assistant', answer, intent)];
}

function input(overrides: Partial<ContextInput>): ContextInput {
  const newTurn = overrides.newTurn ?? 'and now?';
  return {
    systemPrompt: 'You are helpful.',
    summary: null,
    history: [],
    newTurn,
    newTurnTokens: count(newTurn),
    budget: 4000,
    count,
    importance: true,
    ...overrides,
  };
}

/** A small seeded PRNG so a failing case can be replayed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['python', 'error', '코드를', '작성해', 'redis', '큐', 'the', '42', '```js\nx()\n```', 'why?', '안녕', 'budget'];

function randomHistory(rand: () => number): HistoryMessage[] {
  const history: HistoryMessage[] = [];
  const turns = Math.floor(rand() * 14);
  for (let t = 0; t < turns; t++) {
    const text = () => Array.from({ length: 1 + Math.floor(rand() * 40) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    if (rand() < 0.85) history.push(...pair(t, text(), text(), rand() < 0.5 ? 'task_execution' : 'casual_chat'));
    else history.push(message(`o${t}`, `t${t}`, rand() < 0.5 ? 'user' : 'assistant', text()));
  }
  return history;
}

describe('buildContext', () => {
  it('never exceeds the budget, counts exactly, keeps order and pairs (random histories)', () => {
    const rand = mulberry32(20240601);
    let built = 0;
    for (let run = 0; run < 400; run++) {
      const history = randomHistory(rand);
      const summary = rand() < 0.3 ? 'earlier: the user set up redis and python' : null;
      const ctx = input({ history, summary, budget: 20 + Math.floor(rand() * 600), importance: rand() < 0.7, newTurn: 'fix the python error in 코드를' });
      let result;
      try {
        result = buildContext(ctx);
      } catch (err) {
        expect(err).toBeInstanceOf(ContextOverflowError);
        continue;
      }
      built++;
      expect(result.promptTokens).toBeLessThanOrEqual(ctx.budget);
      expect(result.promptTokens).toBe(chatPromptTokens(fakeCounter, result.messages));
      expect(result.report.keptTokens).toBe(result.promptTokens);
      expect(result.messages.filter((m) => m.role === 'system')).toHaveLength(1);
      expect(result.messages[0]!.role).toBe('system');
      expect(result.messages.at(-1)).toEqual({ role: 'user', content: ctx.newTurn });
      const positions = result.keptIds.map((id) => history.findIndex((m) => m.id === id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      for (const [i, m] of history.entries()) {
        const next = history[i + 1];
        if (m.role === 'user' && next?.role === 'assistant' && next.turnId === m.turnId) {
          expect(result.keptIds.includes(m.id)).toBe(result.keptIds.includes(next.id));
        }
      }
      expect(result.report.messagesKept).toBe(result.keptIds.length);
    }
    expect(built).toBeGreaterThan(300);
  });

  it('stays within the budget counted with the real tokenizer', () => {
    const counter = tokenCounter('gpt-4o-mini');
    const history = Array.from({ length: 12 }, (_, n) => [
      { id: `u${n}`, turnId: `t${n}`, role: 'user' as const, content: `질문 ${n}: Python으로 웹 크롤링하는 방법을 알려주세요. What about page ${n}?` },
      { id: `a${n}`, turnId: `t${n}`, role: 'assistant' as const, content: `답변 ${n}: requests와 BeautifulSoup을 쓰세요.\n\`\`\`python\nimport requests\n\`\`\`` },
    ]).flat().map((m) => ({ ...m, tokens: counter.count(m.content) }));
    const newTurn = '크롤링할 때 403 에러가 나요. 어떻게 하죠?';
    const result = buildContext({
      systemPrompt: 'You are a helpful assistant.',
      summary: '사용자는 Python 초보이며 웹 크롤링을 배우고 있다.',
      history,
      newTurn,
      newTurnTokens: counter.count(newTurn),
      budget: 300,
      count: counter.count,
      importance: true,
    });
    expect(result.promptTokens).toBe(chatPromptTokens(counter, result.messages));
    expect(result.promptTokens).toBeLessThanOrEqual(300);
    expect(result.report.messagesKept).toBeGreaterThan(0);
    expect(result.report.messagesKept).toBeLessThan(history.length);
  });

  it('throws ContextOverflowError when the system text and the new turn alone do not fit', () => {
    const newTurn = 'x'.repeat(300);
    const attempt = () => buildContext(input({ newTurn, newTurnTokens: count(newTurn), budget: 100 }));
    expect(attempt).toThrow(ContextOverflowError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'context_overflow', budget: 100 }));
  });

  it('puts the summary inside the one system message', () => {
    const result = buildContext(input({ summary: 'The user is building a queue.', history: pair(1, 'hi', 'hello') }));
    expect(result.messages.filter((m) => m.role === 'system')).toHaveLength(1);
    expect(result.messages[0]!.content.startsWith('You are helpful.')).toBe(true);
    expect(result.messages[0]!.content).toContain('The user is building a queue.');
    expect(result.report.summaryUsed).toBe(true);
  });

  it('treats a blank summary as none', () => {
    const result = buildContext(input({ summary: '  ' }));
    expect(result.messages[0]!.content).toBe('You are helpful.');
    expect(result.report.summaryUsed).toBe(false);
  });

  it('reports exact figures', () => {
    const len = (text: string) => text.length;
    const history = [
      { id: 'u1', turnId: 't1', role: 'user' as const, content: 'aaaa', tokens: 4 },
      { id: 'a1', turnId: 't1', role: 'assistant' as const, content: 'bbbbbb', tokens: 6 },
      { id: 'u2', turnId: 't2', role: 'user' as const, content: 'cc', tokens: 2 },
      { id: 'a2', turnId: 't2', role: 'assistant' as const, content: 'ddd', tokens: 3 },
    ];
    const base = { systemPrompt: 'sys', summary: null, history, newTurn: 'eeeee', newTurnTokens: 5, count: len, importance: false };
    // system 3+1+3=7, pairs 18 and 13, new turn 9, primer 3: everything = 50, newest pair only = 32.
    expect(buildContext({ ...base, budget: 36 }).report).toEqual({
      originalTokens: 50,
      keptTokens: 32,
      compressionRatio: 32 / 50,
      messagesTotal: 4,
      messagesKept: 2,
      summaryUsed: false,
      memories: 0,
    });
    expect(buildContext({ ...base, budget: 50 }).report).toMatchObject({ originalTokens: 50, keptTokens: 50, compressionRatio: 1 });
    // With a summary ("sys\n\n" + heading + "\n" + "sum") the original still counts the bare prompt and every message.
    const summarized = buildContext({ ...base, summary: 'sum', budget: 500, totalHistory: { messages: 10, tokens: 100 } });
    expect(summarized.report.originalTokens).toBe(7 + 100 + 10 * 4 + 9 + 3);
    expect(summarized.report.keptTokens).toBe(4 + len(summarized.messages[0]!.content) + 18 + 13 + 9 + 3);
    expect(summarized.report.messagesTotal).toBe(10);
  });
});
