import type { ChatMessage } from '#libs/llm';
import { z } from 'zod';
import { type Classification, type ConversationState, isIntentLabel } from './intent-labels';
import { type IntentTables, loadIntentTables } from './load-intent-tables';
import type { SentimentReading } from './score-sentiment';
import { SENTIMENT_LABELS } from './sentiment-labels';

// The intent of a long paste sits in its opening and its last lines ("... why does this fail?");
// the middle only costs tokens on a side call that should stay cheap.
const HEAD_CHARS = 3000;
const TAIL_CHARS = 1000;

/** Messages for the LLM fallback; send them with temperature 0 and a JSON answer. */
export function classifyRequestMessages(text: string, tables: IntentTables = loadIntentTables()): ChatMessage[] {
  const labelLines = (Object.keys(tables.labels) as ConversationState[]).map(
    (label) => `- ${label}: ${tables.labels[label].description}`,
  );
  const system = [
    'You classify the intent of one user message sent to a chat assistant.',
    'Labels:',
    ...labelLines,
    '- unknown: none of the labels above fits, or the message has no recognisable intent.',
    'Also give the sentiment the user expresses: negative (frustration, complaint, anger, sadness), positive (thanks, praise, joy, laughter) or neutral, and its intensity from 0 to 1.',
    'Answer with only a JSON object and nothing else: {"label": "<one of the labels>", "confidence": <number from 0 to 1>, "sentiment": "negative" | "neutral" | "positive", "intensity": <number from 0 to 1>}.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: clip(text) },
  ];
}

function clip(text: string): string {
  if (text.length <= HEAD_CHARS + TAIL_CHARS) return text;
  return `${text.slice(0, HEAD_CHARS)}\n[...]\n${text.slice(-TAIL_CHARS)}`;
}

const answerSchema = z.object({
  label: z.string(),
  confidence: z.number().min(0).max(1),
});

const sentimentSchema = z.object({
  sentiment: z.string().transform((s) => s.trim().toLowerCase()).pipe(z.enum(SENTIMENT_LABELS)),
  intensity: z.number().min(0).max(1),
});

export interface ModelClassification extends Classification {
  /** null when the answer has no usable sentiment; the intent still counts. */
  sentiment: SentimentReading | null;
}

/**
 * The model's answer when it names a known label with a confidence in [0, 1]; null for anything else
 * (not JSON, unknown label, wrong types), which the caller records as `unknown` / `fallback`. A
 * missing or malformed sentiment leaves the intent standing, with `sentiment: null`.
 */
export function parseClassification(raw: unknown): ModelClassification | null {
  const json = parseJson(raw);
  const intent = parseIntent(json);
  if (!intent) return null;
  const feeling = sentimentSchema.safeParse(json);
  if (!feeling.success) return { ...intent, sentiment: null };
  const { sentiment: label, intensity } = feeling.data;
  return { ...intent, sentiment: { label, intensity: label === 'neutral' ? 0 : intensity } };
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(stripCodeFence(raw));
  } catch {
    return undefined;
  }
}

function parseIntent(json: unknown): Classification | null {
  const answer = answerSchema.safeParse(json);
  if (!answer.success) return null;
  const label = answer.data.label.trim().toLowerCase();
  return isIntentLabel(label) ? { label, confidence: answer.data.confidence } : null;
}

// Some OpenAI-compatible servers ignore response_format and wrap the object in a markdown fence.
function stripCodeFence(raw: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(raw);
  return fenced ? fenced[1]! : raw;
}
