import type { HistoryMessage } from './context-types';
import { historyUnits } from './history-units';
import { importanceScores } from './importance-scores';
import { selectByImportance, selectNewestFirst } from './select-history';

const count = (text: string): number => Math.ceil(text.length / 3);

function message(turn: number, role: 'user' | 'assistant', content: string, intent: string | null = null): HistoryMessage {
  return { id: `${role[0]}${turn}`, turnId: `t${turn}`, role, content, tokens: count(content), intent };
}

/** Both messages padded to a fixed length so that every pair costs the same. */
function pair(turn: number, question: string, answer: string, intent: string | null = null): HistoryMessage[] {
  return [message(turn, 'user', question.padEnd(90, '.'), intent), message(turn, 'assistant', answer.padEnd(90, '.'), intent)];
}

const ids = (units: ReturnType<typeof historyUnits>) => units.flatMap((u) => u.messages.map((m) => m.id));

describe('historyUnits', () => {
  it('pairs a user message with the reply of the same turn and leaves orphans alone', () => {
    const history = [message(1, 'user', 'lost'), message(2, 'user', 'q'), message(2, 'assistant', 'a'), message(3, 'assistant', 'late'), message(4, 'user', 'q4'), message(5, 'assistant', 'other turn')];
    expect(historyUnits(history).map((u) => u.messages.map((m) => m.id))).toEqual([['u1'], ['u2', 'a2'], ['a3'], ['u4'], ['a5']]);
  });

  it('costs a unit its messages with chat-format overhead', () => {
    const [unit] = historyUnits(pair(1, 'q', 'a'));
    expect(unit!.tokens).toBe(2 * (4 + 30));
  });
});

describe('selectByImportance', () => {
  const codePair = pair(1, 'How do I parse JSON from Redis streams?', '```js\nconst entry = JSON.parse(fields.data);\n```', 'task_execution');
  const fillerPair = pair(2, 'ok cool', 'Glad to hear it', 'casual_chat');
  const newestPair = pair(3, 'thanks', 'You are welcome');
  const units = historyUnits([...codePair, ...fillerPair, ...newestPair]);
  const newTurn = 'The JSON parse from the redis stream fails now';

  it('prefers the code pair the new turn is about over newer filler of equal size', () => {
    expect(units[0]!.tokens).toBe(units[1]!.tokens);
    const scores = importanceScores(units, newTurn);
    expect(scores[0]).toBeGreaterThan(scores[1]!);
    expect(ids(selectByImportance(units, 2 * units[0]!.tokens, newTurn))).toEqual(['u1', 'a1', 'u3', 'a3']);
  });

  it('keeps the newest pair when it fits, even if older pairs score higher', () => {
    const scores = importanceScores(units, newTurn);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    expect(ids(selectByImportance(units, units[2]!.tokens, newTurn))).toEqual(['u3', 'a3']);
  });

  it('skips a unit that does not fit and keeps looking at smaller ones', () => {
    const history = [...pair(1, 'small', 'x'), message(2, 'user', 'x'.repeat(900)), message(2, 'assistant', 'big'), ...pair(3, 'newest', 'y')];
    const all = historyUnits(history);
    expect(ids(selectByImportance(all, all[0]!.tokens + all[2]!.tokens, 'anything'))).toEqual(['u1', 'a1', 'u3', 'a3']);
  });

  it('returns nothing for no history or no room', () => {
    expect(selectByImportance([], 1000, 'x')).toEqual([]);
    expect(selectByImportance(units, 0, newTurn)).toEqual([]);
  });

  it('finds Korean topics across particles', () => {
    const korean = historyUnits([...pair(1, '웹 크롤링을 배우고 싶어요', '좋아요'), ...pair(2, '날씨가 좋네요', '그렇네요'), ...pair(3, '고마워', '천만에요')]);
    const scores = importanceScores(korean, '크롤링하는 코드가 멈춰요');
    expect(scores[0]).toBeGreaterThan(scores[1]!);
  });
});

describe('selectNewestFirst', () => {
  it('keeps the newest stretch and stops at the first unit that does not fit', () => {
    const history = [...pair(1, 'How do I parse JSON?', '```JSON.parse```'), message(2, 'user', 'x'.repeat(900)), message(2, 'assistant', 'big'), ...pair(3, 'newest', 'y')];
    const all = historyUnits(history);
    expect(ids(selectNewestFirst(all, all[0]!.tokens + all[2]!.tokens))).toEqual(['u3', 'a3']);
    expect(ids(selectNewestFirst(all, 10_000))).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3']);
  });

  it('ignores importance: newer filler wins over an older code pair', () => {
    const all = historyUnits([...pair(1, 'How do I parse JSON?', '```JSON.parse```'), ...pair(2, 'ok', 'ok'), ...pair(3, 'hm', 'hm')]);
    expect(ids(selectNewestFirst(all, 2 * all[0]!.tokens))).toEqual(['u2', 'a2', 'u3', 'a3']);
  });
});
