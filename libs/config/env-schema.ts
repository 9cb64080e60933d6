import { z } from 'zod';

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: `an integer from ${min} to ${max}` }).int(`an integer from ${min} to ${max}`)
    .min(min, `an integer from ${min} to ${max}`).max(max, `an integer from ${min} to ${max}`).default(def);
const ratio = (def: number) => z.coerce.number({ error: 'a number from 0 to 1' }).min(0, 'a number from 0 to 1').max(1, 'a number from 0 to 1').default(def);
const bool = (def: boolean) => z.enum(['true', 'false', '1', '0'], { error: 'true or false' }).default(def ? 'true' : 'false')
  .transform((v) => v === 'true' || v === '1');
const optional = z.string().trim().min(1).optional();
/** One seed node of REDIS_CLUSTER_NODES: `host:port`, or a redis:// / rediss:// URL (credentials and TLS from it). */
const clusterNode = (v: string) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(v) || /^\[[0-9A-Fa-f:]+\]:\d{1,5}$/.test(v)
  || (() => { try { const u = new URL(v); return /^rediss?:$/.test(u.protocol) && u.hostname !== '' && u.port !== ''; } catch { return false; } })();
const url = (what: string) => z.string().trim().refine((v) => { try { return /^(redis|rediss|https?):$/.test(new URL(v).protocol); } catch { return false; } }, `a ${what} URL`);

/** Every variable turnq reads, with its default (see the README's configuration table). */
export const envSchema = z.object({
  REDIS_URL: url('redis://').default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: z.string().trim().transform((v) => v.split(',').map((n) => n.trim()).filter(Boolean))
    .refine((nodes) => nodes.length > 0 && nodes.every(clusterNode), 'comma-separated host:port or redis:// / rediss:// URLs with a port')
    .refine((nodes) => new Set(nodes.map((n) => n.startsWith('rediss://'))).size === 1, 'every node with the same scheme (all rediss:// or none)')
    .optional(),
  /** The producer connection gives a command 5 s (create-redis.ts), so WAIT's own bound stays below that. */
  TURNQ_WAIT_REPLICAS: int(0, 0, 16),
  TURNQ_WAIT_TIMEOUT_MS: int(500, 1, 4000),
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: url('http(s)://').optional(),
  LLM_SIM_PORT: int(8089, 1, 65535),
  TURNQ_SIMULATOR_URL: url('http(s)://').optional(),
  TURNQ_MODEL: z.string().trim().min(1, 'a model name').default('gpt-4o-mini'),
  TURNQ_INTENT_MODEL: optional,
  TURNQ_SUMMARY_MODEL: optional,
  TURNQ_MAX_CONTEXT_TOKENS: int(4000, 256, 2_000_000),
  TURNQ_MAX_REPLY_TOKENS: int(1000, 1, 1_000_000),
  TURNQ_SESSION_TTL_SECONDS: int(3600, 0),
  TURNQ_MAX_PENDING_TURNS: int(20, 1, 10_000),
  TURNQ_API_KEYS: optional,
  TURNQ_ADMIN_KEY: optional,
  TURNQ_NAMESPACE: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits and dashes, starting with a letter').default('turnq'),
  /** Unset: 1 on a single Redis, CLUSTER_DEFAULT_PARTITIONS in cluster mode (see loadConfig). */
  TURNQ_PARTITIONS: z.coerce.number({ error: 'an integer from 1 to 1024' }).int('an integer from 1 to 1024').min(1, 'an integer from 1 to 1024').max(1024, 'an integer from 1 to 1024').optional(),
  TURNQ_RATE_LIMIT_PER_MINUTE: int(0, 0),
  TURNQ_LLM_TIMEOUT_MS: int(60_000, 100),
  TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS: int(300_000, 0),
  TURNQ_JOB_ATTEMPTS: int(4, 1, 20),
  TURNQ_JOB_BACKOFF_MS: int(1000, 0),
  /**
   * Jobs in flight per partition of an intent-, summary- or memory-worker process: each partition has its
   * own BullMQ worker (startWorkers), so a process runs up to this × TURNQ_PARTITIONS at once.
   */
  TURNQ_WORKER_CONCURRENCY: int(500, 1, 5000),
  /** The response worker's TURNQ_WORKER_CONCURRENCY: reply jobs in flight per partition of a process. */
  TURNQ_RESPONSE_CONCURRENCY: int(4000, 1, 20_000),
  TURNQ_LOCK_DURATION_MS: int(30_000, 1000),
  TURNQ_STALLED_INTERVAL_MS: int(15_000, 500),
  TURNQ_SHUTDOWN_GRACE_MS: int(30_000, 0),
  TURNQ_RECONCILE_INTERVAL_MS: int(2000, 100),
  TURNQ_RECONCILE_AFTER_MS: int(5000, 100),
  TURNQ_INTENT_KEYWORDS: optional,
  TURNQ_INTENT_THRESHOLD: ratio(0.6),
  TURNQ_CONTEXT_IMPORTANCE: bool(true),
  TURNQ_SUMMARY_TRIGGER_RATIO: ratio(0.7),
  TURNQ_SUMMARY_KEEP_MESSAGES: int(6, 0, 10_000),
  TURNQ_SUMMARY_MAX_TOKENS: int(500, 16, 100_000),
  TURNQ_MEMORY: z.enum(['on', 'off'], { error: 'on or off' }).default('on'),
  TURNQ_MEMORY_MAX_TOKENS: int(300, 0, 100_000),
  TURNQ_MEMORY_MAX_PER_USER: int(500, 1, 100_000),
  TURNQ_EMBEDDING_MODEL: z.string().trim().min(1, 'a model name').default('text-embedding-3-small'),
  PORT: int(3000, 0, 65535),
  METRICS_PORT: z.coerce.number({ error: 'an integer from 0 to 65535' }).int('an integer from 0 to 65535').min(0, 'an integer from 0 to 65535').max(65535, 'an integer from 0 to 65535').optional(),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** `VAR=` (empty, as compose passes `${VAR:-}`) means unset, so the default applies. */
export function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}
