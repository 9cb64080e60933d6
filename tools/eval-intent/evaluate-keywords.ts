import {
  classifyByKeywords, INTENT_LABELS, scoreSentiment, SENTIMENT_LABELS,
  type IntentTables, type SentimentLexicon,
} from '#libs/intent';
import { Confusion, type LabelScore } from './confusion';
import type { LabelledLine } from './read-eval-set';

/** What the keyword path predicts when it does not decide: the LLM is asked. */
export const ABSTAIN = 'abstain';

export interface KeywordMiss {
  line: LabelledLine;
  predicted: string;
}

export interface KeywordEvaluation {
  lines: number;
  /** Share of lines the keyword path decides. */
  coverage: number;
  /** Share of the decided lines it gets right; null when it decides none. */
  keywordPrecision: number | null;
  intent: { scores: LabelScore[]; confusion: Confusion; misses: KeywordMiss[] };
  sentiment: { scores: LabelScore[]; confusion: Confusion; misses: KeywordMiss[] };
}

/** The fast path alone (keywords and the sentiment lexicon), with no model: what CI can measure. */
export function evaluateKeywords(
  rows: readonly LabelledLine[],
  tables: IntentTables,
  lexicon: SentimentLexicon,
  threshold: number,
): KeywordEvaluation {
  const intent = new Confusion();
  const sentiment = new Confusion();
  const intentMisses: KeywordMiss[] = [];
  const sentimentMisses: KeywordMiss[] = [];
  let decided = 0;
  let right = 0;
  for (const row of rows) {
    const predicted = classifyByKeywords(row.text, tables, threshold)?.label ?? ABSTAIN;
    intent.add(row.intent, predicted);
    if (predicted !== ABSTAIN) {
      decided++;
      if (predicted === row.intent) right++;
    }
    if (predicted !== row.intent) intentMisses.push({ line: row, predicted });
    const feeling = scoreSentiment(row.text, lexicon).label;
    sentiment.add(row.sentiment, feeling);
    if (feeling !== row.sentiment) sentimentMisses.push({ line: row, predicted: feeling });
  }
  return {
    lines: rows.length,
    coverage: rows.length === 0 ? 0 : decided / rows.length,
    keywordPrecision: decided === 0 ? null : right / decided,
    intent: { scores: intent.scores(INTENT_LABELS), confusion: intent, misses: intentMisses },
    sentiment: { scores: sentiment.scores(SENTIMENT_LABELS), confusion: sentiment, misses: sentimentMisses },
  };
}
