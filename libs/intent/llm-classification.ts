import type { ChatMessage } from '#libs/llm';
import { z } from 'zod';
import { type Classification, type ConversationState, isIntentLabel } from './intent-labels';
import { type IntentTables, loadIntentTables } from './load-intent-tables';

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
    'Answer with only a JSON object and nothing else: {"label": "<one of the labels>", "confidence": <number from 0 to 1>}.',
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

/**
 * The model's answer when it names a known label with a confidence in [0, 1]; null for anything else
 * (not JSON, unknown label, wrong types), which the caller records as `unknown` / `fallback`.
 */
export function parseClassification(raw: unknown): Classification | null {
  if (typeof raw !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(raw));
  } catch {
    return null;
  }
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
