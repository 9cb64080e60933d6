import { z, type ZodType } from 'zod';
import { describeIssue } from './describe-issue';
import { HttpProblem } from './http-problem';

/**
 * The request side of the HTTP API: the gateway parses with these and the OpenAPI document
 * (openapi/build-openapi.ts) is generated from them, so what is checked and what is documented are
 * one thing. Every message is worded "expected …" or "must …" so a 400's detail says what was wrong.
 */

/** Text must survive a round trip byte-exact: lone UTF-16 surrogates cannot be stored as UTF-8, so they are refused. */
const text = (min: number, max: number) => z.string({ error: 'expected a string' })
  .min(min, `must be ${min}-${max} characters`).max(max, `must be ${min}-${max} characters`)
  .refine((s) => s.isWellFormed(), 'contains an unpaired UTF-16 surrogate');

const metadata = z.preprocess((v, ctx) => {
  // JSON.parse keeps a "__proto__" key but a record parse drops it silently: refuse it instead
  if (v && typeof v === 'object' && Object.hasOwn(v, '__proto__')) ctx.addIssue({ code: 'custom', message: 'the key __proto__ is not allowed', input: v });
  return v;
}, z.record(text(1, 64), text(0, 512), { error: 'expected an object of string values' })
  .refine((m) => Object.keys(m).length <= 16, 'must have at most 16 entries'))
  .meta({ maxProperties: 16, description: 'Free-form labels: at most 16 entries, keys of 1–64 and values of 0–512 characters.' });

export const createSessionBody = z.strictObject({
  userId: text(1, 128).optional().meta({ description: 'Your id for the end user; 1–128 characters.' }),
  systemPrompt: text(0, 8000).optional().meta({ description: 'Comes first in every prompt of this session, before the state prompt.' }),
  metadata: metadata.optional(),
  memory: z.boolean({ error: 'expected true or false' }).optional()
    .meta({ description: "false: this session's turns neither feed nor use the user's long-term memory." }),
}, { error: 'expected an object' });

/** Content that is only whitespace would be sent to the model as an empty question: refused before anything is stored. */
const content = text(1, 32000).refine((s) => s.trim().length > 0, 'must contain a non-whitespace character')
  .meta({ description: "The user's message: 1–32000 characters, not only whitespace." });

export const submitTurnBody = z.strictObject({ content }, { error: 'expected an object' });

/** Query values arrive as strings; each bound is checked after coercion, with one message for every way to miss it. */
const integer = (min: number, max: number) => {
  const m = `expected an integer from ${min} to ${max}`;
  return z.coerce.number({ error: m }).int(m).min(min, m).max(max, m);
};

export const submitTurnQuery = z.object({
  wait: integer(0, 60).optional().meta({ description: 'Seconds to hold the answer until the turn ends (200), else 202 when they pass; 0 answers at once.' }),
});

export const messagesQuery = z.object({
  limit: integer(1, 200).default(50).meta({ description: 'Messages per page.' }),
  before: z.string().min(1, 'must be a message id').max(200, 'must be a message id').optional()
    .meta({ description: "A page's `nextBefore`: the page of messages older than this one." }),
});

export const idempotencyKey = text(1, 128);

export const userIdParam = text(1, 128).meta({ description: 'Your id for the end user; 1–128 characters. The user is this id within your tenant.' });

export const memoryKind = z.enum(['profile', 'preference', 'fact'], { error: 'expected one of profile, preference, fact' });

export const addMemoryBody = z.strictObject({
  text: text(1, 2000).meta({ description: 'What to remember about the user: 1–2000 characters.' }),
  kind: memoryKind.default('fact').meta({ description: 'profile (who the user is), preference (likes, diet, how to answer) or fact.' }),
}, { error: 'expected an object' });

export const memoriesQuery = z.object({
  limit: integer(1, 200).default(50).meta({ description: 'Memories per page.' }),
  before: z.string().min(1, 'must be a memory id').max(200, 'must be a memory id').optional()
    .meta({ description: "A page's `nextBefore`: the page of memories older than this one." }),
});

/** Parses or throws a 400 whose detail names the offending field and says what was expected. */
export function parseOr400<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(', ')] : issue.path;
  throw new HttpProblem(400, `${[where, ...path.map(String)].join('.')}: ${describeIssue(issue, value)}`);
}

/** Query strings may repeat a key (?limit=1&limit=2); that is a bad request, not a crash. */
export function singleValued(query: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query)) {
    if (typeof v !== 'string') throw new HttpProblem(400, `query.${k}: must be given once, as a plain value`);
    out[k] = v;
  }
  return out;
}
