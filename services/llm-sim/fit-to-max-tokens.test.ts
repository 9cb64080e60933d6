import { tokenCounter } from '#libs/tokens';
import { fitToMaxTokens, splitPieces } from './fit-to-max-tokens';

const counter = tokenCounter('gpt-4o-mini');
const KO = '[turnq LLM 시뮬레이터] 이 답변은 언어 모델이 아니라 turnq 시뮬레이터가 만든 고정 문장입니다. 재미있는 이야기 👍🏻🎉';
const EN = '[turnq LLM simulator] This is a canned reply from the turnq simulator, not an answer from a language model.';

describe('splitPieces', () => {
  it.each([KO, EN, '  lead and trail  ', ''])('joins back to the original text: %p', (text) => {
    expect(splitPieces(text).join('')).toBe(text);
  });
});

describe('fitToMaxTokens', () => {
  it('keeps a reply within max_tokens whole, with finish_reason stop', () => {
    expect(fitToMaxTokens(counter, EN, 1000)).toEqual({ text: EN, completionTokens: counter.count(EN), finishReason: 'stop' });
    expect(fitToMaxTokens(counter, EN, null).finishReason).toBe('stop');
  });

  it.each([1, 2, 5, 10, 17])('cuts Korean and English to a prefix of at most %i tokens, counted exactly', (max) => {
    for (const text of [KO, EN]) {
      const fitted = fitToMaxTokens(counter, text, max);
      expect(fitted.finishReason).toBe('length');
      expect(text.startsWith(fitted.text)).toBe(true);
      expect(fitted.completionTokens).toBe(counter.count(fitted.text));
      expect(fitted.completionTokens).toBeLessThanOrEqual(max);
      expect(fitted.completionTokens).toBeGreaterThanOrEqual(max - 2);
    }
  });
});
