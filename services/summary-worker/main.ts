import { startWorkers, summaryJobSchema } from '#libs/queue';
import { runWorkerService } from '#libs/runtime';
import { createSummarize } from './summarize';

runWorkerService({
  service: 'summary-worker',
  defaultMetricsPort: 9103,
  reconcile: false,
  start: ({ config, logger, metrics, redis, pipeline, llm }) => {
    const summarize = createSummarize({
      pipeline, llm, metrics, model: config.models.summary, replyModel: config.models.reply,
      keepMessages: config.summary.keepMessages, maxTokens: config.summary.maxTokens, maxFoldTokens: config.maxContextTokens * 2,
    });
    return startWorkers({
      queue: 'summary', schema: summaryJobSchema, connection: redis, namespace: config.namespace, partitions: config.partitions,
      concurrency: config.jobs.concurrency, lockDurationMs: config.jobs.lockDurationMs, stalledIntervalMs: config.jobs.stalledIntervalMs,
      logger, metrics, process: (data, ctx) => summarize(data, ctx),
    });
  },
});
