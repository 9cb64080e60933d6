import { ConfigError } from './config-error';
import { envSchema, withoutEmpty } from './env-schema';

/**
 * TURNQ_PARTITIONS when unset in cluster mode: several partitions per master of a typical 3-master
 * cluster, so sessions spread over all of them (a partition's sessions and queues live in one slot).
 */
export const CLUSTER_DEFAULT_PARTITIONS = 16;

export interface Config {
  redisUrl: string;
  /** REDIS_CLUSTER_NODES split into seed nodes; null = a single Redis at redisUrl. */
  redisClusterNodes: string[] | null;
  /** Replicas that must acknowledge an accepted turn before the gateway answers (Redis WAIT); count 0 = none. */
  waitReplicas: { count: number; timeoutMs: number };
  namespace: string;
  partitions: number;
  /** `rateLimitMaxWaitMs`: the longest a turn waits on provider rate limits before it fails with llm_rate_limited. */
  llm: { apiKey: string; baseURL: string | undefined; simulator: boolean; timeoutMs: number; rateLimitMaxWaitMs: number };
  models: { reply: string; intent: string; summary: string };
  maxContextTokens: number;
  maxReplyTokens: number;
  sessionTtlSeconds: number;
  maxPendingTurns: number;
  /** key → tenant; null means auth is off. */
  apiKeys: Map<string, string> | null;
  adminKey: string | null;
  rateLimitPerMinute: number;
  /** `responseConcurrency`: a response job holds its slot for the whole LLM call, so it needs far more. */
  jobs: { attempts: number; backoffMs: number; concurrency: number; responseConcurrency: number; lockDurationMs: number; stalledIntervalMs: number };
  shutdownGraceMs: number;
  reconcile: { intervalMs: number; afterMs: number };
  intent: { keywordsPath: string | undefined; threshold: number };
  context: { importance: boolean };
  summary: { triggerRatio: number; keepMessages: number; maxTokens: number };
  /** Per-user long-term memory: `enabled` false turns extraction and retrieval off. */
  memory: { enabled: boolean; maxTokens: number; maxPerUser: number; embeddingModel: string };
  http: { host: string; port: number };
  /** 0 = any free port (logged at start). */
  metricsPort: number;
  logLevel: string;
}

/**
 * Parses the environment once, at start (style rule 4). `defaultMetricsPort` is the service's own
 * default for METRICS_PORT. Throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv, defaultMetricsPort = 0): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name}=${JSON.stringify(env[name] ?? '')} is invalid: expected ${issue.message}`);
  }
  const e = parsed.data;
  const simulator = !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL;
  return {
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES ?? null,
    waitReplicas: { count: e.TURNQ_WAIT_REPLICAS, timeoutMs: e.TURNQ_WAIT_TIMEOUT_MS },
    namespace: e.TURNQ_NAMESPACE,
    partitions: e.TURNQ_PARTITIONS ?? (e.REDIS_CLUSTER_NODES ? CLUSTER_DEFAULT_PARTITIONS : 1),
    llm: {
      apiKey: e.OPENAI_API_KEY ?? (simulator ? 'turnq-simulator' : 'unset'),
      baseURL: simulator ? (e.TURNQ_SIMULATOR_URL ?? `http://127.0.0.1:${e.LLM_SIM_PORT}/v1`) : e.OPENAI_BASE_URL,
      simulator,
      timeoutMs: e.TURNQ_LLM_TIMEOUT_MS,
      rateLimitMaxWaitMs: e.TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS,
    },
    models: { reply: e.TURNQ_MODEL, intent: e.TURNQ_INTENT_MODEL ?? e.TURNQ_MODEL, summary: e.TURNQ_SUMMARY_MODEL ?? e.TURNQ_MODEL },
    maxContextTokens: e.TURNQ_MAX_CONTEXT_TOKENS,
    maxReplyTokens: e.TURNQ_MAX_REPLY_TOKENS,
    sessionTtlSeconds: e.TURNQ_SESSION_TTL_SECONDS,
    maxPendingTurns: e.TURNQ_MAX_PENDING_TURNS,
    apiKeys: e.TURNQ_API_KEYS ? parseApiKeys(e.TURNQ_API_KEYS) : null,
    adminKey: e.TURNQ_ADMIN_KEY ?? null,
    rateLimitPerMinute: e.TURNQ_RATE_LIMIT_PER_MINUTE,
    jobs: {
      attempts: e.TURNQ_JOB_ATTEMPTS, backoffMs: e.TURNQ_JOB_BACKOFF_MS, concurrency: e.TURNQ_WORKER_CONCURRENCY, responseConcurrency: e.TURNQ_RESPONSE_CONCURRENCY,
      lockDurationMs: e.TURNQ_LOCK_DURATION_MS, stalledIntervalMs: e.TURNQ_STALLED_INTERVAL_MS,
    },
    shutdownGraceMs: e.TURNQ_SHUTDOWN_GRACE_MS,
    reconcile: { intervalMs: e.TURNQ_RECONCILE_INTERVAL_MS, afterMs: e.TURNQ_RECONCILE_AFTER_MS },
    intent: { keywordsPath: e.TURNQ_INTENT_KEYWORDS, threshold: e.TURNQ_INTENT_THRESHOLD },
    context: { importance: e.TURNQ_CONTEXT_IMPORTANCE },
    summary: { triggerRatio: e.TURNQ_SUMMARY_TRIGGER_RATIO, keepMessages: e.TURNQ_SUMMARY_KEEP_MESSAGES, maxTokens: e.TURNQ_SUMMARY_MAX_TOKENS },
    memory: { enabled: e.TURNQ_MEMORY === 'on', maxTokens: e.TURNQ_MEMORY_MAX_TOKENS, maxPerUser: e.TURNQ_MEMORY_MAX_PER_USER, embeddingModel: e.TURNQ_EMBEDDING_MODEL },
    http: { host: e.HOST, port: e.PORT },
    metricsPort: e.METRICS_PORT ?? defaultMetricsPort,
    logLevel: e.LOG_LEVEL,
  };
}

function parseApiKeys(raw: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    const tenant = eq > 0 ? pair.slice(eq + 1).trim() : '';
    if (!key || !/^[A-Za-z0-9_.-]{1,64}$/.test(tenant)) {
      throw new ConfigError('TURNQ_API_KEYS is invalid: expected key=tenant pairs separated by commas (tenant: 1-64 of A-Z a-z 0-9 _ . -)');
    }
    keys.set(key, tenant);
  }
  if (keys.size === 0) throw new ConfigError('TURNQ_API_KEYS is invalid: expected at least one key=tenant pair');
  return keys;
}
