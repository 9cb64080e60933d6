import type { Server } from 'node:http';
import { loadConfig, ConfigError } from '#libs/config';
import { createLlm } from '#libs/llm';
import { createLogger } from '#libs/logger';
import { createMemoryStore } from '#libs/memory';
import { createMetrics } from '#libs/metrics';
import { createQueues } from '#libs/queue';
import { createRedis, describeRedis } from '#libs/redis';
import { checkPartitions, createSessionStore, PartitionCountError } from '#libs/session';
import { createApp } from './app';
import { createEventHub } from './event-hub';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('gateway', config.logLevel);
  if (!config.apiKeys) logger.warn('TURNQ_API_KEYS is not set: authentication is OFF and every caller shares one tenant');

  logger.info({ ...describeRedis(config), partitions: config.partitions, waitReplicas: config.waitReplicas.count }, 'redis');
  const redis = createRedis(config, 'producer');
  const subscriber = createRedis(config, 'subscriber');
  for (const [name, conn] of [['redis', redis], ['subscriber', subscriber]] as const) {
    conn.on('error', (err) => logger.warn({ conn: name, err: err.message }, 'redis connection error'));
  }
  // before it subscribes, the subscriber is an ordinary connection that waits for Redis (the producer fails fast)
  await checkPartitions(subscriber, config.namespace, config.partitions);
  const metrics = createMetrics({ service: 'gateway', namespace: config.namespace });
  const store = createSessionStore({ redis, namespace: config.namespace, partitions: config.partitions, ttlSeconds: config.sessionTtlSeconds });
  const queues = createQueues({ connection: redis, namespace: config.namespace, partitions: config.partitions, attempts: config.jobs.attempts, backoffMs: config.jobs.backoffMs, sessionTtlSeconds: config.sessionTtlSeconds });
  const hub = await createEventHub(subscriber, config.namespace, config.partitions);
  // the gateway calls a model for one thing only: the embedding of a memory added by hand
  const embedder = createLlm({ apiKey: config.llm.apiKey, baseURL: config.llm.baseURL, timeoutMs: config.llm.timeoutMs, countPrompt: () => 0, countText: () => 0 });
  const memory = {
    store: createMemoryStore({ redis, namespace: config.namespace, partitions: config.partitions, maxPerUser: config.memory.maxPerUser }),
    embed: async (text: string) => (await embedder.embed({ model: config.memory.embeddingModel, input: [text] })).vectors[0],
  };
  const app = createApp({
    redis, store, memory, queues, hub, metrics, logger, apiKeys: config.apiKeys, adminKey: config.adminKey, maxPendingTurns: config.maxPendingTurns,
    rateLimitPerMinute: config.rateLimitPerMinute, namespace: config.namespace, partitions: config.partitions,
    replyModel: config.models.reply, waitReplicas: config.waitReplicas,
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  logger.info({ port: config.http.port, host: config.http.host }, 'gateway listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const closed = new Promise((r) => server.close(r));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), Math.min(config.shutdownGraceMs, 10_000)).unref();
    await closed;
    await queues.close().catch(() => undefined);
    subscriber.disconnect();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PartitionCountError) console.error(`gateway: ${err.message}`);
  else console.error('gateway: failed to start', err);
  process.exit(1);
});
