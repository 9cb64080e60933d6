import { z } from 'zod';
import type { ReplyKind } from './plan-reply';

/** The simulator's behaviour knobs; all can be changed at run time through POST /_sim/config. */
export interface SimKnobs {
  /** Time to first token (and to the answer of a non-streaming request, before generation time). */
  latencyMs: number;
  /** Uniform random extra latency in [0, latencyJitterMs), so concurrent requests finish out of order. */
  latencyJitterMs: number;
  /** Streaming speed; 0 streams everything at once. */
  tokensPerSecond: number;
  /** Share of requests answered 500. */
  failRate: number;
  /** Share of requests answered 429 (checked before failRate). */
  rateLimitRate: number;
  /** Share of answers whose connection is destroyed after about half the tokens. */
  breakRate: number;
  /** Share of JSON-mode answers that are not valid JSON. */
  badJsonRate: number;
  /**
   * The kinds of request the fault rates (fail, 429, break) apply to; empty: every kind. Lets a test
   * fail the embeddings alone, say, while replies still come.
   */
  faultKinds: ReplyKind[];
}

export const REQUEST_KINDS: readonly ReplyKind[] = ['chat', 'classify', 'summarize', 'extract', 'embed'];

export interface SimConfig {
  port: number;
  logLevel: string;
  knobs: SimKnobs;
}

/** A bad environment value: the message names the variable and what is expected. */
export class SimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimConfigError';
  }
}

const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// Environment values are strings to coerce; JSON bodies must carry real numbers (no null → 0).
type Source = 'env' | 'json';
const number = (source: Source, expected: string) =>
  source === 'env' ? z.coerce.number({ error: expected }) : z.number({ error: expected });

function int(source: Source, min: number, max: number) {
  const expected = `an integer from ${min} to ${max}`;
  return number(source, expected).int(expected).min(min, expected).max(max, expected);
}

function ratio(source: Source) {
  const expected = 'a number from 0 to 1';
  return number(source, expected).min(0, expected).max(1, expected);
}

const kindsExpected = `a list of request kinds from ${REQUEST_KINDS.join(', ')}`;
const kindList = z.array(z.enum(REQUEST_KINDS as [ReplyKind, ...ReplyKind[]], { error: kindsExpected }), { error: kindsExpected });
const kinds = (source: Source) => (source === 'env'
  ? z.string().transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean)).pipe(kindList)
  : kindList);

const MAX_MS = 600_000;
const knobFields = (source: Source) => ({
  latencyMs: int(source, 0, MAX_MS),
  latencyJitterMs: int(source, 0, MAX_MS),
  tokensPerSecond: int(source, 0, 10_000_000),
  failRate: ratio(source),
  rateLimitRate: ratio(source),
  breakRate: ratio(source),
  badJsonRate: ratio(source),
  faultKinds: kinds(source),
});
const envKnobs = knobFields('env');
const jsonKnobs = knobFields('json');

export const DEFAULT_KNOBS: Readonly<SimKnobs> = {
  latencyMs: 50,
  latencyJitterMs: 0,
  tokensPerSecond: 200,
  failRate: 0,
  rateLimitRate: 0,
  breakRate: 0,
  badJsonRate: 0,
  faultKinds: [],
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const fromEnv = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema);

const envSchema = z.object({
  LLM_SIM_PORT: fromEnv(int('env', 0, 65535).default(8089)),
  LOG_LEVEL: fromEnv(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  LLM_SIM_LATENCY_MS: fromEnv(envKnobs.latencyMs.default(DEFAULT_KNOBS.latencyMs)),
  LLM_SIM_LATENCY_JITTER_MS: fromEnv(envKnobs.latencyJitterMs.default(DEFAULT_KNOBS.latencyJitterMs)),
  LLM_SIM_TOKENS_PER_SECOND: fromEnv(envKnobs.tokensPerSecond.default(DEFAULT_KNOBS.tokensPerSecond)),
  LLM_SIM_FAIL_RATE: fromEnv(envKnobs.failRate.default(DEFAULT_KNOBS.failRate)),
  LLM_SIM_429_RATE: fromEnv(envKnobs.rateLimitRate.default(DEFAULT_KNOBS.rateLimitRate)),
  LLM_SIM_BREAK_RATE: fromEnv(envKnobs.breakRate.default(DEFAULT_KNOBS.breakRate)),
  LLM_SIM_BAD_JSON_RATE: fromEnv(envKnobs.badJsonRate.default(DEFAULT_KNOBS.badJsonRate)),
  LLM_SIM_FAULT_KINDS: fromEnv(envKnobs.faultKinds.default([])),
});

/** Parses the simulator's variables from `env`; throws SimConfigError listing every bad one. */
export function parseSimEnv(env: NodeJS.ProcessEnv): SimConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${JSON.stringify(env[name])} is invalid: expected ${issue.message}`;
    });
    throw new SimConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  return {
    port: e.LLM_SIM_PORT,
    logLevel: e.LOG_LEVEL,
    knobs: {
      latencyMs: e.LLM_SIM_LATENCY_MS,
      latencyJitterMs: e.LLM_SIM_LATENCY_JITTER_MS,
      tokensPerSecond: e.LLM_SIM_TOKENS_PER_SECOND,
      failRate: e.LLM_SIM_FAIL_RATE,
      rateLimitRate: e.LLM_SIM_429_RATE,
      breakRate: e.LLM_SIM_BREAK_RATE,
      badJsonRate: e.LLM_SIM_BAD_JSON_RATE,
      faultKinds: e.LLM_SIM_FAULT_KINDS,
    },
  };
}

/** Body of POST /_sim/config: any knobs, camelCase; `429Rate` is accepted as an alias of rateLimitRate. */
const knobsPatchSchema = z.strictObject({
  latencyMs: jsonKnobs.latencyMs.optional(),
  latencyJitterMs: jsonKnobs.latencyJitterMs.optional(),
  tokensPerSecond: jsonKnobs.tokensPerSecond.optional(),
  failRate: jsonKnobs.failRate.optional(),
  rateLimitRate: jsonKnobs.rateLimitRate.optional(),
  breakRate: jsonKnobs.breakRate.optional(),
  badJsonRate: jsonKnobs.badJsonRate.optional(),
  faultKinds: jsonKnobs.faultKinds.optional(),
  '429Rate': ratio('json').optional(),
});

export type KnobsPatchResult = { ok: true; knobs: SimKnobs } | { ok: false; message: string };

/** The knobs after applying `patch`, or why the patch is refused (nothing is applied then). */
export function patchKnobs(current: SimKnobs, patch: unknown): KnobsPatchResult {
  const parsed = knobsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return { ok: false, message: `Invalid '${field}': ${issue.code === 'unrecognized_keys' ? `unknown knob ${issue.keys.join(', ')}` : `expected ${issue.message}`}` };
  }
  const { '429Rate': alias, ...rest } = parsed.data;
  const next = { ...current, ...rest };
  if (alias !== undefined) next.rateLimitRate = alias;
  return { ok: true, knobs: next };
}
