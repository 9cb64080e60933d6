import type { Redis } from '#libs/redis';
import type { Logger } from '#libs/logger';
import type { MemoryStore } from '#libs/memory';
import type { Metrics } from '#libs/metrics';
import type { Queues } from '#libs/queue';
import type { SessionStore } from '#libs/session';
import type { EventHub } from './event-hub';

/** Everything the HTTP app needs; main.ts builds it, tests build their own. */
export interface GatewayDeps {
  redis: Redis;
  store: SessionStore;
  /** Users' long-term memory; `embed` turns a text into its unit vector (TURNQ_EMBEDDING_MODEL). */
  memory: { store: MemoryStore; embed(text: string): Promise<Float32Array> };
  queues: Queues;
  hub: EventHub;
  metrics: Metrics;
  logger: Logger;
  apiKeys: Map<string, string> | null;
  /** TURNQ_ADMIN_KEY: guards bull-board at /admin/queues; null leaves it unmounted. */
  adminKey: string | null;
  maxPendingTurns: number;
  rateLimitPerMinute: number;
  namespace: string;
  partitions: number;
  /** SSE keep-alive comment interval; also how often a stream re-reads Redis in case an announcement was lost. */
  heartbeatMs?: number;
  /** TURNQ_WAIT_REPLICAS / TURNQ_WAIT_TIMEOUT_MS (confirm-replicated.ts); absent or count 0: no WAIT. */
  waitReplicas?: { count: number; timeoutMs: number };
  /** The reply model (TURNQ_MODEL) that GET /v1/models lists; default 'gpt-4o-mini'. */
  replyModel?: string;
}
