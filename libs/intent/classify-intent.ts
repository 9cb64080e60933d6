import type { Llm } from '#libs/llm';
import { classifyByKeywords, DEFAULT_KEYWORD_THRESHOLD } from './classify-by-keywords';
import type { IntentResult } from './intent-labels';
import { classifyRequestMessages, parseClassification } from './llm-classification';
import type { IntentTables } from './load-intent-tables';

/** Only `complete` is called, so a test fake need not implement streaming. */
export type IntentLlm = Pick<Llm, 'complete'>;

export interface ClassifyIntentInput {
  text: string;
  tables: IntentTables;
  llm: IntentLlm;
  model: string;
  signal?: AbortSignal;
  threshold?: number;
}

// {"label": "information_seeking", "confidence": 0.95} is about 20 tokens; the rest is slack.
const CLASSIFY_MAX_TOKENS = 60;

const FALLBACK: IntentResult = { label: 'unknown', confidence: 0, method: 'fallback' };

/**
 * Keywords first; the LLM only when they are not confident. A retryable LLM failure is rethrown so the
 * queue's attempts handle it (the only retry layer); so is any failure after the caller aborted, which
 * must not be recorded as an answer. Anything else ends as `unknown` / `fallback` and the turn goes on.
 */
export async function classifyIntent(input: ClassifyIntentInput): Promise<IntentResult> {
  const byKeywords = classifyByKeywords(input.text, input.tables, input.threshold ?? DEFAULT_KEYWORD_THRESHOLD);
  if (byKeywords) return { ...byKeywords, method: 'keyword' };

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
    return { ...FALLBACK };
  }
  const parsed = parseClassification(answer);
  return parsed ? { ...parsed, method: 'llm' } : { ...FALLBACK };
}

function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
