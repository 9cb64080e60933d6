/**
 * Histogram boundaries, in seconds unless named otherwise. A quantile or SLO ratio is only exact at a
 * bucket boundary, so every threshold that an alert or a dashboard compares against is one of these
 * values: 10 s and 30 s for turns (the turn-latency SLO in deploy/prometheus/alerts.yml), 30 s for the
 * p95 queue wait. Changing a boundary is a breaking change for recording rules that select `le`.
 */
export const buckets = {
  /** Whole turn, from accepted to ended: a slow model with a long reply can take minutes. */
  turn: [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120],

  /**
   * One stage of a turn. The keyword intent path ends in milliseconds, so this starts lower than
   * `turn`; the top is the same because a response stage is most of a turn.
   */
  stage: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120],

  /**
   * Time a turn waits before a worker starts it. An idle system answers in milliseconds; a session
   * behind a long turn, or a backlog, waits minutes.
   */
  queueWait: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300],

  /**
   * LLM request duration and time to first token: the OpenTelemetry GenAI semantic-convention
   * boundaries (gen_ai.client.operation.duration), so our numbers line up with other GenAI tooling.
   */
  llm: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],

  /**
   * HTTP requests. Most routes answer in milliseconds; `?wait=N` holds a request up to 60 s and an
   * event stream lives for a whole turn, so the top reaches past 60 s to keep those out of +Inf.
   */
  http: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90],

  /** Memory retrieval: 5 ms (the target p99) is a boundary. */
  memoryRetrieval: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],

  /** kept / original context tokens: 1 means nothing was dropped or summarized. */
  compressionRatio: [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
} as const satisfies Record<string, readonly number[]>;
