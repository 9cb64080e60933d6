import { loadIntentTables } from '#libs/intent';
import { startWorkers, turnJobSchema } from '#libs/queue';
import { runWorkerService } from '#libs/runtime';
import { createMemoryCache, createMemoryStore } from '#libs/memory';
import { createRespond } from './respond';

/** Users' memories held in this process between their turns (vectors: ~3 MiB for a user at 500 x 1536). */
const MEMORY_CACHE_BYTES = 128 * 1024 * 1024;

runWorkerService({
  service: 'response-worker',
  defaultMetricsPort: 9102,
  reconcile: true,
  start: ({ config, logger, metrics, redis, queues, pipeline, llm }) => {
    const memoryStore = createMemoryStore({ redis, namespace: config.namespace, partitions: config.partitions, maxPerUser: config.memory.maxPerUser });
    const respond = createRespond({
      pipeline, queues, llm, metrics, tables: loadIntentTables(config.intent.keywordsPath),
      model: config.models.reply, budget: config.maxContextTokens, maxReplyTokens: config.maxReplyTokens,
      importance: config.context.importance, summary: { triggerRatio: config.summary.triggerRatio, keepMessages: config.summary.keepMessages },
      rateLimitMaxWaitMs: config.llm.rateLimitMaxWaitMs,
      memory: config.memory.enabled ? {
        store: memoryStore, cache: createMemoryCache(memoryStore, MEMORY_CACHE_BYTES), maxTokens: config.memory.maxTokens, embeddingModel: config.memory.embeddingModel,
      } : null,
    });
    return startWorkers({
      queue: 'response', schema: turnJobSchema, connection: redis, namespace: config.namespace, partitions: config.partitions,
      concurrency: config.jobs.responseConcurrency, lockDurationMs: config.jobs.lockDurationMs, stalledIntervalMs: config.jobs.stalledIntervalMs,
      logger, metrics, process: (data, ctx) => respond(data, ctx),
    });
  },
});
