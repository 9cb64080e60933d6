import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { buckets } from './buckets';

/** Every metric of the contract's Metrics table, on one registry owned by one process. */
export interface Metrics {
  registry: Registry;
  turnDuration: Histogram<'intent' | 'outcome'>;
  turnQueueWait: Histogram<string>;
  turnsTotal: Counter<'outcome'>;
  stageDuration: Histogram<'stage' | 'outcome'>;
  llmRequestDuration: Histogram<'model' | 'operation' | 'outcome'>;
  llmTimeToFirstToken: Histogram<'model'>;
  llmTokens: Counter<'model' | 'operation' | 'type'>;
  llmErrors: Counter<'model' | 'operation' | 'error_type'>;
  intentClassifications: Counter<'intent' | 'method'>;
  sentiments: Counter<'label' | 'method'>;
  contextTokens: Counter<'kind'>;
  contextCompressionRatio: Histogram<string>;
  summarizations: Counter<'outcome'>;
  jobsTotal: Counter<'queue' | 'status'>;
  jobRetries: Counter<'queue'>;
  queueJobs: Gauge<'queue' | 'state'>;
  sessionsWithPendingTurns: Gauge<string>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Beyond the contract's table: the denominator of the dashboard's "messages per session". */
  sessionsCreated: Counter<string>;
  /** Beyond the contract's table: jobs BullMQ found active without a lock and moved back to wait. */
  jobsStalled: Counter<'queue'>;
  /** Memory jobs by outcome (labelValues.memoryExtractionOutcome). */
  memoryExtractions: Counter<'outcome'>;
  /** Beyond the contract: memories added, updated and evicted by memory jobs. */
  memoryChanges: Counter<'op'>;
  /** Reading and ranking a user's memories in the response stage (the embedding call excluded). */
  memoryRetrieval: Histogram<string>;
  /** Tokens of memories placed in reply prompts. */
  memoryTokens: Counter<string>;
}

export interface CreateMetricsOptions {
  /**
   * Added to every series as the `service` label. Prometheus adds `job` and `instance` too; `service`
   * keeps the origin visible where the scrape config names jobs differently (Kubernetes). The
   * dashboards never rely on it.
   */
  service: string;
  /** TURNQ_NAMESPACE, added as the `namespace` label so stacks sharing one Prometheus can be told apart. */
  namespace?: string;
  /** prom-client's process_* and nodejs_* metrics (CPU, memory, event-loop lag); default true. */
  defaultMetrics?: boolean;
}

/**
 * A fresh registry per call, never prom-client's global one: tests create many, and a process passes
 * its one Metrics to everything it builds (style rule 7). Queue gauges are filled at scrape time with
 * setCollector.
 */
export function createMetrics(opts: CreateMetricsOptions = { service: 'turnq' }): Metrics {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(opts.service)) {
    throw new Error(`metrics service name ${JSON.stringify(opts.service)} must be lowercase letters, digits and dashes`);
  }
  const registry = new Registry();
  registry.setDefaultLabels(opts.namespace ? { service: opts.service, namespace: opts.namespace } : { service: opts.service });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const registers = [registry];
  const histogram = <T extends string>(name: string, help: string, labelNames: T[], b: readonly number[]) =>
    new Histogram<T>({ name, help, labelNames, buckets: [...b], registers });
  const counter = <T extends string>(name: string, help: string, labelNames: T[]) =>
    new Counter<T>({ name, help, labelNames, registers });

  const sessionsWithPendingTurns = new Gauge({ name: 'turnq_sessions_with_pending_turns', help: 'Sessions with at least one queued turn, read at scrape time.', registers });
  // An unlabeled gauge starts at 0; only the process that reads it (the gateway) should export a value,
  // or every worker's 0 would look like "nothing pending" next to the gateway's real number.
  sessionsWithPendingTurns.remove();

  return {
    registry,
    turnDuration: histogram('turnq_turn_duration_seconds', 'Time from a turn being accepted to it ending.', ['intent', 'outcome'], buckets.turn),
    turnQueueWait: histogram('turnq_turn_queue_wait_seconds', 'Time from a turn being accepted to its first stage starting.', [], buckets.queueWait),
    turnsTotal: counter('turnq_turns_total', 'Turns that ended, by outcome.', ['outcome']),
    stageDuration: histogram('turnq_stage_duration_seconds', 'Time one stage of a turn (or a summary job) took.', ['stage', 'outcome'], buckets.stage),
    llmRequestDuration: histogram('turnq_llm_request_duration_seconds', 'Duration of one LLM request, stream included.', ['model', 'operation', 'outcome'], buckets.llm),
    llmTimeToFirstToken: histogram('turnq_llm_time_to_first_token_seconds', 'Time from sending a streamed LLM request to its first content token.', ['model'], buckets.llm),
    llmTokens: counter('turnq_llm_tokens_total', 'LLM tokens used, as the provider reports them.', ['model', 'operation', 'type']),
    llmErrors: counter('turnq_llm_errors_total', 'LLM requests that failed, by error type.', ['model', 'operation', 'error_type']),
    intentClassifications: counter('turnq_intent_classifications_total', 'Intent classifications, by label and by the path that decided.', ['intent', 'method']),
    sentiments: counter('turnq_sentiment_total', 'Sentiment of turns, by label and by the path that decided.', ['label', 'method']),
    contextTokens: counter('turnq_context_tokens_total', 'Context tokens of reply prompts: the whole history (original) and what was sent (kept).', ['kind']),
    contextCompressionRatio: histogram('turnq_context_compression_ratio', 'Kept / original context tokens of one reply prompt.', [], buckets.compressionRatio),
    summarizations: counter('turnq_summarizations_total', 'Summary jobs, by outcome.', ['outcome']),
    jobsTotal: counter('turnq_jobs_total', 'BullMQ jobs that ended, by queue and final status.', ['queue', 'status']),
    jobRetries: counter('turnq_job_retries_total', 'Failed job attempts that BullMQ will retry.', ['queue']),
    queueJobs: new Gauge({ name: 'turnq_queue_jobs', help: 'BullMQ jobs by queue and state, read at scrape time.', labelNames: ['queue', 'state'], registers }),
    sessionsWithPendingTurns,
    httpRequestDuration: histogram('turnq_http_request_duration_seconds', 'HTTP requests by method, templated route and status.', ['method', 'route', 'status'], buckets.http),
    // Unlabeled, so it is exported as 0 from the start and increase() also counts a process's first session.
    sessionsCreated: counter('turnq_sessions_created_total', 'Sessions created through the API.', []),
    jobsStalled: counter('turnq_jobs_stalled_total', 'Jobs whose lock expired while active (worker died or blocked), counted by the worker that detected it.', ['queue']),
    memoryExtractions: counter('turnq_memory_extractions_total', 'Memory jobs (one per turn of a session with a user), by outcome.', ['outcome']),
    memoryChanges: counter('turnq_memory_changes_total', 'Memories added, updated (superseding an older text) or evicted at the per-user cap by memory jobs.', ['op']),
    memoryRetrieval: histogram('turnq_memory_retrieval_seconds', "Reading and ranking a user's memories for one reply prompt.", [], buckets.memoryRetrieval),
    memoryTokens: counter('turnq_memory_tokens_total', 'Tokens of memories placed in reply prompts.', []),
  };
}
