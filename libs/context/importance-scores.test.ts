import { overlap, topicFeatures } from './importance-scores';

/** The reference: intersect the new turn's features with the unit's full feature set. */
function reference(wanted: Set<string>, text: string): number {
  if (wanted.size === 0) return 0;
  const present = topicFeatures(text);
  let hits = 0;
  for (const f of wanted) if (present.has(f)) hits++;
  return hits / wanted.size;
}

describe('overlap', () => {
  const texts = [
    'How do I fix the python error in my crawler?',
    'python3 raised an error: crawler_error in crawler.py',
    'Pythonic crawlers, PYTHON errors; the_error and error_the, errors.',
    '크롤링하는 코드를 작성해줘. 크롤링을 하다가 오류가 났어요',
    '파이썬 크롤러에서 에러가 발생했습니다 (python_crawler 2.0)',
    'BullMQ 큐의 순서 보장은 어떻게 되나요? bullmq flows and queue ordering',
    'İstanbul ǅemal STRASSE straße 42 _x_ x__ __init__ éèê naïve',
    '', '   ', 'a', 'ab abc abcd', '가', '가나', '가나다라 마바사',
  ];

  it('gives exactly what intersecting topicFeatures gives, for every pair of texts', () => {
    let nonZero = 0;
    for (const turn of texts) {
      const wanted = topicFeatures(turn);
      for (const text of texts) {
        const got = overlap(wanted, text);
        expect([turn, text, got]).toEqual([turn, text, reference(wanted, text)]);
        if (got > 0) nonZero++;
      }
    }
    expect(nonZero).toBeGreaterThan(texts.length); // the corpus exercises hits, not only misses
  });

  it('matches whole English words only, and Korean bigrams across particles', () => {
    expect(overlap(new Set(['error']), 'errors and terror')).toBe(0);
    expect(overlap(new Set(['error']), 'an error_code, then (error)')).toBe(1);
    expect(overlap(new Set(['크롤', '롤링']), '크롤링을 시작')).toBe(1);
    expect(overlap(new Set(['python', 'crawler']), 'PYTHON only')).toBe(0.5);
  });
});
