import { z } from 'zod';
import { MEMORY_KINDS, type MemoryKind } from './memory-types';

/** Named in the instructions; the simulator recognizes an extraction request by it. */
export const EXTRACTION_MARKER = 'turnq long-term memory extraction';

const INSTRUCTIONS = `You are the ${EXTRACTION_MARKER} step. You read ONE message a user wrote in a chat and decide what is worth remembering about that user in later, separate conversations.

Keep only durable facts and preferences the USER states about THEMSELVES: name, where they live, work, family, diet, allergies, lasting likes and dislikes, goals. Ignore small talk, greetings, questions, one-off requests, moods of the moment, and anything about other people or the world. Never invent anything the message does not say.

You get JSON: {"existing": [{"id", "kind", "text"}], "message": "..."} — "existing" are memories already kept about this user that may be related.
Answer with JSON only: {"memories": [...]}, each item one of
  {"action": "add", "kind": "profile" | "preference" | "fact", "text": "..."}  — something new;
  {"action": "update", "id": "<existing id>", "kind": "...", "text": "..."}     — the message changes or contradicts that memory: the new text replaces it;
An existing memory the message merely repeats needs no item. No item at all when nothing is worth keeping: {"memories": []}.
"profile" = who the user is (name, home, job, family); "preference" = likes, dislikes, diet, how they want answers; "fact" = anything else durable.
Write each text as one short statement about the user in the third person ("The user ..."), in the language of the message (Korean message: Korean text, e.g. "사용자는 ...").`;

export interface ExistingForPrompt { id: string; kind: MemoryKind; text: string }

/** The chat messages of one extraction call: the instructions, then the message with the related memories as JSON. */
export function extractionMessages(message: string, existing: ExistingForPrompt[]): Array<{ role: 'system' | 'user'; content: string }> {
  return [
    { role: 'system', content: INSTRUCTIONS },
    { role: 'user', content: JSON.stringify({ existing, message }) },
  ];
}

const item = z.union([
  z.object({ action: z.literal('add'), kind: z.enum(MEMORY_KINDS).catch('fact'), text: z.string().trim().min(1).max(500) }),
  z.object({ action: z.literal('update'), id: z.string(), kind: z.enum(MEMORY_KINDS).catch('fact'), text: z.string().trim().min(1).max(500) }),
  z.object({ action: z.enum(['none', 'noop', 'keep']) }),
]);
const answer = z.object({ memories: z.array(z.unknown()).max(20) });

export type ExtractedItem = { action: 'add'; kind: MemoryKind; text: string } | { action: 'update'; id: string; kind: MemoryKind; text: string };

/**
 * The model's answer, or null when it is not the JSON asked for (the job retries: a model's bad JSON
 * is often a one-off). Items that do not fit the shape are dropped one by one rather than failing all.
 */
export function parseExtraction(text: string): ExtractedItem[] | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = answer.safeParse(json);
  if (!parsed.success) return null;
  const out: ExtractedItem[] = [];
  for (const raw of parsed.data.memories) {
    const r = item.safeParse(raw);
    if (r.success && r.data.action === 'add') out.push({ action: 'add', kind: r.data.kind, text: r.data.text });
    else if (r.success && r.data.action === 'update') out.push({ action: 'update', id: r.data.id, kind: r.data.kind, text: r.data.text });
  }
  return out;
}
