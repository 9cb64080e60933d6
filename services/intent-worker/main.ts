import { loadIntentTables } from '#libs/intent';
import { startWorkers, turnJobSchema } from '#libs/queue';
import { runWorkerService } from '#libs/runtime';
import { createClassifyTurn } from './classify-turn';

runWorkerService({
  service: 'intent-worker',
  defaultMetricsPort: 9101,
  reconcile: true,
  start: ({ config, logger, metrics, redis, queues, pipeline, llm }) => {
    const tables = loadIntentTables(config.intent.keywordsPath);
    const classify = createClassifyTurn({
      pipeline, queues, llm, metrics, tables, model: config.models.intent, threshold: config.intent.threshold, rateLimitMaxWaitMs: config.llm.rateLimitMaxWaitMs,
    });
    return startWorkers({
      queue: 'intent', schema: turnJobSchema, connection: redis, namespace: config.namespace, partitions: config.partitions,
      concurrency: config.jobs.concurrency, lockDurationMs: config.jobs.lockDurationMs, stalledIntervalMs: config.jobs.stalledIntervalMs,
      logger, metrics, process: (data, ctx) => classify(data, ctx),
    });
  },
});
