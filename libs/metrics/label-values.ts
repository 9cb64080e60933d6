/**
 * The closed label sets of turnq's metrics, for callers to use instead of string literals. The contract
 * fixes most of them; the rest (`llmOutcome`, `summarizationOutcome`) are fixed here so that every
 * service emits the same values and the alerts and dashboards in deploy/ can select on them. Labels
 * never carry a session, user, turn or job id.
 */
export const labelValues = {
  /** turnq_turn_duration_seconds, turnq_turns_total, turnq_stage_duration_seconds `outcome`. */
  turnOutcome: ['completed', 'failed', 'cancelled'],

  /** turnq_stage_duration_seconds `stage`. */
  stage: ['intent', 'response', 'summary'],

  /** `operation` of the LLM metrics. */
  llmOperation: ['chat', 'classify', 'summarize', 'extract', 'embed'],

  /**
   * turnq_llm_request_duration_seconds `outcome`: one observation per HTTP attempt, `error` whenever
   * turnq_llm_errors_total is incremented for the same attempt.
   */
  llmOutcome: ['success', 'error'],

  /** turnq_llm_tokens_total `type`. */
  tokenType: ['prompt', 'completion'],

  /** turnq_intent_classifications_total `method`; also turnq_sentiment_total `method`. */
  intentMethod: ['keyword', 'llm', 'fallback'],

  /** turnq_sentiment_total `label`. */
  sentimentLabel: ['negative', 'neutral', 'positive'],

  /** turnq_context_tokens_total `kind`. */
  contextKind: ['original', 'kept'],

  /** turnq_summarizations_total `outcome`: `skipped` when a newer summary won the compare-and-set. */
  summarizationOutcome: ['completed', 'failed', 'skipped'],

  /**
   * turnq_jobs_total `status`: counted once per job when it ends — `failed` only when no attempt is
   * left (or the job is unrecoverable), so it means "retries exhausted"; retries go to
   * turnq_job_retries_total instead.
   */
  jobStatus: ['completed', 'failed'],

  /**
   * turnq_queue_jobs `state`: BullMQ's getJobCounts() keys, set at scrape time by one process (the
   * gateway) through setCollector, because BullMQ's own exporter fails `promtool check metrics`.
   */
  /**
   * turnq_memory_extractions_total `outcome`: `changed` (memories added or updated), `unchanged` (nothing
   * worth keeping, or only repeats), `skipped` (the turn did not complete, or was applied already),
   * `failed` (no attempt left).
   */
  memoryExtractionOutcome: ['changed', 'unchanged', 'skipped', 'failed'],

  /** turnq_memory_changes_total `op`. */
  memoryChangeOp: ['add', 'update', 'evict'],

  queueState: ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'],
} as const;

export type TurnOutcome = (typeof labelValues.turnOutcome)[number];
export type QueueState = (typeof labelValues.queueState)[number];
