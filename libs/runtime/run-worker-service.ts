import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import { ConfigError, loadConfig, type Config } from '#libs/config';
import { createLlm, instrumentLlm, type Llm } from '#libs/llm';
import { createLogger, type Logger } from '#libs/logger';
import { createMetrics, startMetricsServer, type Metrics } from '#libs/metrics';
import { closeWorkers, createQueues, createReconciler, type Queues } from '#libs/queue';
import { createRedis, describeRedis, type Redis } from '#libs/redis';
import { checkPartitions, createPipelineStore, type PipelineStore } from '#libs/session';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';

export interface WorkerServiceContext {
  config: Config; logger: Logger; metrics: Metrics; redis: Redis; queues: Queues; pipeline: PipelineStore; llm: Llm;
}

/**
 * How long closing may take after the grace period: the jobs still running handed back (closeWorkers,
 * 2 s), connections closed. Past TURNQ_SHUTDOWN_GRACE_MS plus this the process exits 1 regardless
 * (deploy/k8s gives a pod 45 s, above the default 30 s plus this).
 */
export const SHUTDOWN_CLOSE_MS = 5000;

export interface WorkerServiceSpec {
  service: 'intent-worker' | 'response-worker' | 'summary-worker' | 'memory-worker';
  defaultMetricsPort: number;
  /** Runs the reconciler in this process too (any replica may; it is idempotent). */
  reconcile: boolean;
  start(ctx: WorkerServiceContext): Worker[];
}

/**
 * The common life of a worker process: config parsed once, connections, metrics server, the workers,
 * and a graceful SIGTERM/SIGINT (stop taking jobs, let running ones finish within the grace period,
 * close everything in reverse order, exit 0).
 */
export function runWorkerService(spec: WorkerServiceSpec): void {
  let config: Config;
  try {
    config = loadConfig(process.env, spec.defaultMetricsPort);
  } catch (err) {
    console.error(`${spec.service}: ${err instanceof ConfigError ? err.message : String(err)}`);
    process.exit(1);
  }
  const logger = createLogger(spec.service, config.logLevel);
  if (config.llm.simulator) {
    logger.warn({ baseURL: config.llm.baseURL }, 'OPENAI_API_KEY is not set: using the turnq LLM SIMULATOR (canned replies, not a model)');
  }
  logger.info({ ...describeRedis(config), partitions: config.partitions }, 'redis');
  const redis = createRedis(config, 'worker');
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const metrics = createMetrics({ service: spec.service, namespace: config.namespace });
  const queues = createQueues({ connection: redis, namespace: config.namespace, partitions: config.partitions, attempts: config.jobs.attempts, backoffMs: config.jobs.backoffMs, sessionTtlSeconds: config.sessionTtlSeconds });
  const pipeline = createPipelineStore({ redis, namespace: config.namespace, partitions: config.partitions, ttlSeconds: config.sessionTtlSeconds });
  const llm = instrumentLlm(createLlm({
    apiKey: config.llm.apiKey, baseURL: config.llm.baseURL, timeoutMs: config.llm.timeoutMs,
    countPrompt: (model, messages) => chatPromptTokens(tokenCounter(model), messages),
    countText: (model, text) => tokenCounter(model).count(text),
  }), metrics);
  // a partition count that differs from the one this namespace's data was written with would orphan sessions
  checkPartitions(redis, config.namespace, config.partitions).then(boot, (err: Error) => {
    logger.fatal({ err: err.message }, 'refusing to start');
    process.exit(1);
  });

  function boot(): void {
    const ctx: WorkerServiceContext = { config, logger, metrics, redis, queues, pipeline, llm };
    const workers = spec.start(ctx);
    const reconciler = spec.reconcile
      ? createReconciler({ pipeline, queues, partitions: config.partitions, intervalMs: config.reconcile.intervalMs, afterMs: config.reconcile.afterMs, logger })
      : null;
    reconciler?.start();

    let server: Server | null = null;
    startMetricsServer({
      port: config.metricsPort, metrics,
      health: async () => ({ ok: workers.every((w) => w.isRunning()), detail: { workers: workers.length, redis: redis.status } }),
    }).then((s) => {
      server = s;
      const address = s.address();
      // Read back from the workers: each service picks its own setting (the response worker its own),
      // and every partition's worker runs that many jobs at once.
      const perPartition = workers[0]?.concurrency ?? 0;
      const concurrency = workers.reduce((n, w) => n + w.concurrency, 0);
      logger.info({ metricsPort: typeof address === 'object' && address ? address.port : config.metricsPort, concurrency, perPartition, partitions: config.partitions }, `${spec.service} started`);
    }, (err: Error) => {
      logger.fatal({ err: err.message, metricsPort: config.metricsPort }, 'metrics server failed to start');
      process.exit(1);
    });

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal while draining: exiting now, without a clean close');
        process.exit(1);
      }
      stopping = true;
      // Closing waits on Redis (a job handed back, BullMQ's connections quit): with Redis unreachable it
      // would wait until Kubernetes' SIGKILL. The grace period bounds the drain, this bounds the rest.
      const deadlineMs = config.shutdownGraceMs + SHUTDOWN_CLOSE_MS;
      setTimeout(() => {
        logger.error({ deadlineMs, redis: redis.status }, 'shutdown deadline passed: exiting without a clean close');
        process.exit(1);
      }, deadlineMs).unref();
      logger.info({ signal, graceMs: config.shutdownGraceMs }, 'draining');
      // the reconciler's pass in progress may wait on Redis: the workers stop taking jobs meanwhile
      await Promise.all([reconciler?.stop(), closeWorkers(workers, config.shutdownGraceMs)]);
      await queues.close().catch(() => undefined);
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
      redis.disconnect();
      logger.info('stopped');
      process.exit(0);
    };
    const stop = (signal: string) => shutdown(signal).catch((err: Error) => {
      logger.error({ err: err.message }, 'shutdown failed: exiting without a clean close');
      process.exit(1);
    });
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  }
}
