import { cachedCounter } from './cached-counter';
import { tokenCounter } from './token-counter';

describe('cachedCounter', () => {
  it('counts like the counter, asks it once per remembered text, and forgets the least recently used first', () => {
    const real = tokenCounter('gpt-4o-mini');
    const asked: string[] = [];
    const cached = cachedCounter({ encoding: real.encoding, count: (t) => { asked.push(t); return real.count(t); } }, 2, 20);
    const texts = ['안녕하세요, 반갑습니다', 'hello world', '안녕하세요, 반갑습니다', 'third text', 'hello world'];
    expect(texts.map((t) => cached.count(t))).toEqual(texts.map((t) => real.count(t)));
    // the repeat made the Korean text the most recent, so 'third text' pushed out 'hello world'
    expect(asked).toEqual(['안녕하세요, 반갑습니다', 'hello world', 'third text', 'hello world']);
    const long = 'x'.repeat(21);
    cached.count(long);
    cached.count(long);
    expect(asked.filter((t) => t === long)).toHaveLength(2); // longer than maxChars: never kept
    expect(cached.encoding).toBe('o200k_base');
  });
});
