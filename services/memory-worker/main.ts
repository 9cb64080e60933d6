import { createMemoryStore } from '#libs/memory';
import { memoryJobSchema, startWorkers } from '#libs/queue';
import { runWorkerService } from '#libs/runtime';
import { createSessionStore } from '#libs/session';
import { createExtractMemories } from './extract-memories';

runWorkerService({
  service: 'memory-worker',
  defaultMetricsPort: 9104,
  reconcile: false,
  start: ({ config, logger, metrics, redis, llm }) => {
    const extract = createExtractMemories({
      sessions: createSessionStore({ redis, namespace: config.namespace, partitions: config.partitions, ttlSeconds: config.sessionTtlSeconds }),
      memories: createMemoryStore({ redis, namespace: config.namespace, partitions: config.partitions, maxPerUser: config.memory.maxPerUser }),
      llm, metrics, model: config.models.summary, embeddingModel: config.memory.embeddingModel,
      leaseMs: Math.max(config.jobs.lockDurationMs, config.llm.timeoutMs * 3) + 10_000,
    });
    return startWorkers({
      queue: 'memory', schema: memoryJobSchema, connection: redis, namespace: config.namespace, partitions: config.partitions,
      concurrency: config.jobs.concurrency, lockDurationMs: config.jobs.lockDurationMs, stalledIntervalMs: config.jobs.stalledIntervalMs,
      logger, metrics, process: (data, ctx) => extract(data, ctx),
    });
  },
});
