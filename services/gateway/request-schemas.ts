import { z, type ZodType } from 'zod';
import { HttpProblem } from './http-problem';

/** Text must survive a round trip byte-exact: lone UTF-16 surrogates cannot be stored as UTF-8, so they are refused. */
const text = (min: number, max: number) => z.string()
  .min(min, `must be ${min}-${max} characters`).max(max, `must be ${min}-${max} characters`)
  .refine((s) => s.isWellFormed(), 'contains an unpaired UTF-16 surrogate');

export const createSessionBody = z.object({
  userId: text(1, 128).optional(),
  systemPrompt: text(0, 8000).optional(),
  // JSON.parse keeps a "__proto__" key but a record parse drops it silently: refuse it instead
  /** false: this session's turns neither feed nor use the user's long-term memory. */
  memory: z.boolean({ error: 'must be true or false' }).optional(),
  metadata: z.unknown().refine((v) => !(v && typeof v === 'object' && Object.hasOwn(v, '__proto__')), 'the key __proto__ is not allowed')
    .pipe(z.record(text(1, 64), text(0, 512)).refine((m) => Object.keys(m).length <= 16, 'at most 16 entries')).optional(),
}).strict();

export const submitTurnBody = z.object({ content: text(1, 32000) }).strict();

export const submitTurnQuery = z.object({
  wait: z.coerce.number({ error: 'must be a number of seconds from 0 to 60' })
    .min(0, 'must be a number of seconds from 0 to 60').max(60, 'must be a number of seconds from 0 to 60').optional(),
});

export const messagesQuery = z.object({
  limit: z.coerce.number({ error: 'must be an integer from 1 to 200' }).int('must be an integer from 1 to 200')
    .min(1, 'must be an integer from 1 to 200').max(200, 'must be an integer from 1 to 200').default(50),
  before: z.string().min(1, 'must be a message id').max(200, 'must be a message id').optional(),
});

export const idempotencyKey = text(1, 128);

export const userIdParam = text(1, 128);

export const addMemoryBody = z.object({
  text: text(1, 2000),
  kind: z.enum(['profile', 'preference', 'fact'], { error: 'must be one of profile, preference, fact' }).default('fact'),
}).strict();

export const memoriesQuery = z.object({
  limit: z.coerce.number({ error: 'must be an integer from 1 to 200' }).int('must be an integer from 1 to 200')
    .min(1, 'must be an integer from 1 to 200').max(200, 'must be an integer from 1 to 200').default(50),
  before: z.string().min(1, 'must be a memory id').max(200, 'must be a memory id').optional(),
});

/** Parses or throws a 400 whose detail names the offending field. */
export function parseOr400<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.length ? issue.path.join('.') : '';
  const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : path;
  const detail = issue.code === 'unrecognized_keys'
    ? `${where}${field ? `.${field}` : ''}: unknown field`
    : issue.code === 'invalid_type' && issue.input === undefined
      ? `${where}${field ? `.${field}` : ''}: is required`
      : `${where}${field ? `.${field}` : ''}: ${issue.message}`;
  throw new HttpProblem(400, detail);
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
