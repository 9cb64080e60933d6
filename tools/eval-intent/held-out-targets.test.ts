import { join } from 'node:path';
import { DEFAULT_KEYWORD_THRESHOLD, loadIntentTables, loadSentimentLexicon } from '#libs/intent';
import { evaluateKeywords } from './evaluate-keywords';
import { readEvalSet } from './read-eval-set';

// The targets on the held-out split (eval/intent/README.md); the tables are tuned on dev only.
const MIN_KEYWORD_PRECISION = 0.95;
const MIN_KEYWORD_COVERAGE = 0.7;
const MIN_NEGATIVE_RECALL = 0.9;
const MIN_NEGATIVE_PRECISION = 0.85;

describe('the fast path on the held-out test split', () => {
  const rows = readEvalSet(join(__dirname, '../../eval/intent/test.tsv'));
  const result = evaluateKeywords(rows, loadIntentTables(), loadSentimentLexicon(), DEFAULT_KEYWORD_THRESHOLD);
  const negative = result.sentiment.scores.find((s) => s.label === 'negative')!;

  it('reads the whole split, every label at least 30 times', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    for (const score of result.intent.scores) expect(score.support).toBeGreaterThanOrEqual(30);
  });

  it(`decides at least ${MIN_KEYWORD_COVERAGE * 100}% of the lines by keyword`, () => {
    expect(result.coverage).toBeGreaterThanOrEqual(MIN_KEYWORD_COVERAGE);
  });

  it(`is right on at least ${MIN_KEYWORD_PRECISION * 100}% of the lines it decides`, () => {
    expect(result.keywordPrecision).toBeGreaterThanOrEqual(MIN_KEYWORD_PRECISION);
  });

  it(`finds at least ${MIN_NEGATIVE_RECALL * 100}% of the negative lines at ${MIN_NEGATIVE_PRECISION * 100}% precision`, () => {
    expect(negative.recall).toBeGreaterThanOrEqual(MIN_NEGATIVE_RECALL);
    expect(negative.precision).toBeGreaterThanOrEqual(MIN_NEGATIVE_PRECISION);
  });
});
