import {
  classifyIntent, INTENT_LABELS, SENTIMENT_LABELS,
  type IntentLlm, type IntentTables, type SentimentLexicon, type TurnReading,
} from '#libs/intent';
import { Confusion, type LabelScore } from './confusion';
import type { LabelledLine } from './read-eval-set';

export interface ModelEvaluation {
  lines: number;
  /** The whole classifier (keywords, then the model): share of lines labelled right. */
  accuracy: number;
  modelCalls: number;
  /** Of the lines sent to the model, the share it labelled right; null when none were sent. */
  modelAccuracy: number | null;
  fallbacks: number;
  intent: { scores: LabelScore[]; confusion: Confusion };
  sentiment: { scores: LabelScore[]; confusion: Confusion };
}

export interface ModelEvaluationDeps {
  llm: IntentLlm;
  model: string;
  tables: IntentTables;
  lexicon: SentimentLexicon;
  threshold: number;
  /** Requests in flight at once; a hosted model's rate limit is the usual bound. */
  concurrency: number;
}

/** Every line through `classifyIntent`, exactly as the intent worker runs it. */
export async function evaluateWithModel(rows: readonly LabelledLine[], d: ModelEvaluationDeps): Promise<ModelEvaluation> {
  const readings: TurnReading[] = new Array(rows.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      readings[i] = await classifyIntent({ text: rows[i]!.text, tables: d.tables, lexicon: d.lexicon, llm: d.llm, model: d.model, threshold: d.threshold });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, d.concurrency) }, lane));

  const intent = new Confusion();
  const sentiment = new Confusion();
  let right = 0;
  let modelCalls = 0;
  let modelRight = 0;
  let fallbacks = 0;
  rows.forEach((row, i) => {
    const reading = readings[i]!;
    intent.add(row.intent, reading.intent.label);
    sentiment.add(row.sentiment, reading.sentiment.label);
    const ok = reading.intent.label === row.intent;
    if (ok) right++;
    if (reading.intent.method !== 'keyword') {
      modelCalls++;
      if (ok) modelRight++;
    }
    if (reading.intent.method === 'fallback') fallbacks++;
  });
  return {
    lines: rows.length,
    accuracy: rows.length === 0 ? 0 : right / rows.length,
    modelCalls,
    modelAccuracy: modelCalls === 0 ? null : modelRight / modelCalls,
    fallbacks,
    intent: { scores: intent.scores(INTENT_LABELS), confusion: intent },
    sentiment: { scores: sentiment.scores(SENTIMENT_LABELS), confusion: sentiment },
  };
}
