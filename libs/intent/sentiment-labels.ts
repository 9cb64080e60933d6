import type { IntentMethod } from './intent-labels';

/** The closed set of sentiment labels (contract, "Additions": Turn.sentiment); metric label values too. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/**
 * keyword: the lexicon decided (the intent was decided by keywords too); llm: the model answered it in
 * the same call as the intent; fallback: the model was asked but gave no usable sentiment, so this is
 * the lexicon's reading.
 */
export type SentimentMethod = IntentMethod;

export interface Sentiment {
  label: SentimentLabel;
  /** How strongly, in [0, 1]; 0 for neutral. */
  intensity: number;
  method: SentimentMethod;
}

export function isSentimentLabel(value: unknown): value is SentimentLabel {
  return typeof value === 'string' && (SENTIMENT_LABELS as readonly string[]).includes(value);
}
