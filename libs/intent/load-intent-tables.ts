import { readFileSync } from 'node:fs';
import { z } from 'zod';
// tsc copies an imported .json next to the emitted .js (resolveJsonModule), so this one import works
// from libs/intent/*.ts under jest and from dist/libs/intent/*.js alike, with no path guessing.
import defaultTablesJson from './intent-tables.json';
import type { ConversationState } from './intent-labels';

const cue = z.string().trim().min(1).max(200);
const prompt = z.string().trim().min(1).max(8000);

const labelTable = z.strictObject({
  description: z.string().trim().min(1).max(300),
  keywords: z.array(cue),
  phrases: z.array(cue),
  /** Question words and the like: they count only where strong cues already point (classify-by-keywords). */
  weak: z.array(cue).default([]),
});

function perState<T extends z.ZodType>(value: T) {
  return z.strictObject({
    greeting: value,
    information_seeking: value,
    task_execution: value,
    problem_solving: value,
    casual_chat: value,
    ending: value,
  });
}

const tones = z.strictObject({ negative: prompt, negative_run: prompt });

const intentTablesSchema = z.strictObject({
  $comment: z.string().optional(),
  /** A cue right after one of these words does not count ("no problem", "안 고마워"). */
  negators: z.array(cue).default([]),
  labels: perState(labelTable),
  prompts: perState(prompt),
  /** Added after the state prompt for a negative turn (choose-tone.ts). */
  tones,
});

// Strict on keys even though everything is optional: a misspelt "keywrods" must fail, not vanish.
const overrideSchema = z.strictObject({
  $comment: z.string().optional(),
  negators: z.array(cue).optional(),
  labels: perState(labelTable.partial().optional()).optional(),
  prompts: perState(prompt.optional()).optional(),
  tones: tones.partial().optional(),
});

export type IntentTables = z.infer<typeof intentTablesSchema>;
export type LabelTable = z.infer<typeof labelTable>;
type IntentTablesOverride = z.infer<typeof overrideSchema>;

export class IntentTablesError extends Error {
  readonly file: string;

  constructor(file: string, message: string, cause?: unknown) {
    super(`intent tables ${file}: ${message}`, { cause });
    this.name = 'IntentTablesError';
    this.file = file;
  }
}

/**
 * The built-in tables, extended by the operator's file when a path is given (TURNQ_INTENT_KEYWORDS,
 * read by the caller): keyword and phrase lists are added to, descriptions and prompts replaced.
 * Throws IntentTablesError naming the file and the offending field.
 */
export function loadIntentTables(overridePath?: string): IntentTables {
  const defaults = validate(intentTablesSchema, structuredClone(defaultTablesJson), 'intent-tables.json (built in)');
  if (overridePath === undefined || overridePath === '') return defaults;
  return mergeIntentTables(defaults, readOverride(overridePath));
}

function readOverride(file: string): IntentTablesOverride {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new IntentTablesError(file, `cannot be read (${(err as Error).message})`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new IntentTablesError(file, `is not valid JSON (${(err as Error).message})`, err);
  }
  return validate(overrideSchema, json, file);
}

function validate<T extends z.ZodType>(schema: T, value: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new IntentTablesError(file, `invalid field ${problems.join('; ')}`);
}

function mergeIntentTables(base: IntentTables, override: IntentTablesOverride): IntentTables {
  const merged = structuredClone(base);
  merged.negators = [...new Set([...merged.negators, ...(override.negators ?? [])])];
  merged.tones = { ...merged.tones, ...override.tones };
  for (const state of Object.keys(merged.labels) as ConversationState[]) {
    const extra = override.labels?.[state];
    const table = merged.labels[state];
    if (extra?.description !== undefined) table.description = extra.description;
    table.keywords = [...new Set([...table.keywords, ...(extra?.keywords ?? [])])];
    table.phrases = [...new Set([...table.phrases, ...(extra?.phrases ?? [])])];
    table.weak = [...new Set([...table.weak, ...(extra?.weak ?? [])])];
    const statePrompt = override.prompts?.[state];
    if (statePrompt !== undefined) merged.prompts[state] = statePrompt;
  }
  return merged;
}
