import { loadIntentTables } from '#libs/intent';
import { startWorkers, turnJobSchema } from '#libs/queue';
import { runWorkerService } from '#libs/runtime';
import { createRespond } from './respond';

runWorkerService({
  service: 'response-worker',
  defaultMetricsPort: 9102,
  reconcile: true,
  start: ({ config, logger, metrics, redis, queues, pipeline, llm }) => {
    const respond = createRespond({
      pipeline, queues, llm, metrics, tables: loadIntentTables(config.intent.keywordsPath),
      model: config.models.reply, budget: config.maxContextTokens, maxReplyTokens: config.maxReplyTokens,
      importance: config.context.importance, summary: { triggerRatio: config.summary.triggerRatio, keepMessages: config.summary.keepMessages },
      rateLimitMaxWaitMs: config.llm.rateLimitMaxWaitMs,
    });
    return startWorkers({
      queue: 'response', schema: turnJobSchema, connection: redis, namespace: config.namespace, partitions: config.partitions,
      concurrency: config.jobs.responseConcurrency, lockDurationMs: config.jobs.lockDurationMs, stalledIntervalMs: config.jobs.stalledIntervalMs,
      logger, metrics, process: (data, ctx) => respond(data, ctx),
    });
  },
});
