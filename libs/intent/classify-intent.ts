import type { Llm } from '#libs/llm';
import { classifyByKeywords, DEFAULT_KEYWORD_THRESHOLD } from './classify-by-keywords';
import type { IntentResult } from './intent-labels';
import { classifyRequestMessages, parseClassification } from './llm-classification';
import type { IntentTables } from './load-intent-tables';
import { scoreSentiment, type SentimentLexicon } from './score-sentiment';
import type { Sentiment } from './sentiment-labels';

/** Only `complete` is called, so a test fake need not implement streaming. */
export type IntentLlm = Pick<Llm, 'complete'>;

export interface ClassifyIntentInput {
  text: string;
  tables: IntentTables;
  lexicon: SentimentLexicon;
  llm: IntentLlm;
  model: string;
  signal?: AbortSignal;
  threshold?: number;
}

export interface TurnReading {
  intent: IntentResult;
  sentiment: Sentiment;
}

// {"label": "information_seeking", "confidence": 0.95, "sentiment": "negative", "intensity": 0.7}
// is about 35 tokens; the rest is slack.
const CLASSIFY_MAX_TOKENS = 80;

const FALLBACK: IntentResult = { label: 'unknown', confidence: 0, method: 'fallback' };

/**
 * Keywords first; the LLM only when they are not confident, and then one call answers intent and
 * sentiment together. When the keywords decide, so does the sentiment lexicon; when the model gives no
 * usable sentiment (or fails), the lexicon's reading stands with method `fallback`. A retryable LLM
 * failure is rethrown so the queue's attempts handle it (the only retry layer); so is any failure after
 * the caller aborted, which must not be recorded as an answer. Anything else ends as `unknown` /
 * `fallback` and the turn goes on.
 */
export async function classifyIntent(input: ClassifyIntentInput): Promise<TurnReading> {
  const lexical = scoreSentiment(input.text, input.lexicon);
  const byKeywords = classifyByKeywords(input.text, input.tables, input.threshold ?? DEFAULT_KEYWORD_THRESHOLD);
  if (byKeywords) return { intent: { ...byKeywords, method: 'keyword' }, sentiment: { ...lexical, method: 'keyword' } };

  const fallback: TurnReading = { intent: { ...FALLBACK }, sentiment: { ...lexical, method: 'fallback' } };
  let answer: string;
  try {
    const result = await input.llm.complete({
      model: input.model,
      operation: 'classify',
      messages: classifyRequestMessages(input.text, input.tables),
      maxTokens: CLASSIFY_MAX_TOKENS,
      temperature: 0,
      json: true,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    answer = result.text;
  } catch (err) {
    if (input.signal?.aborted || isRetryable(err)) throw err;
    return fallback;
  }
  const parsed = parseClassification(answer);
  if (!parsed) return fallback;
  return {
    intent: { label: parsed.label, confidence: parsed.confidence, method: 'llm' },
    sentiment: parsed.sentiment ? { ...parsed.sentiment, method: 'llm' } : fallback.sentiment,
  };
}

function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
