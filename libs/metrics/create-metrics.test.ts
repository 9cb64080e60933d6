import { itWithTool, metricsLintProblems, runTool } from '../../test/deploy/find-tool';
import { createMetrics, labelValues, type Metrics } from './index';

/** The contract's Metrics table, copied here so that a rename on either side fails this test. */
const contract: Array<[name: string, type: 'counter' | 'gauge' | 'histogram', labels: string[]]> = [
  ['turnq_turn_duration_seconds', 'histogram', ['intent', 'outcome']],
  ['turnq_turn_queue_wait_seconds', 'histogram', []],
  ['turnq_turns_total', 'counter', ['outcome']],
  ['turnq_stage_duration_seconds', 'histogram', ['stage', 'outcome']],
  ['turnq_llm_request_duration_seconds', 'histogram', ['model', 'operation', 'outcome']],
  ['turnq_llm_time_to_first_token_seconds', 'histogram', ['model']],
  ['turnq_llm_tokens_total', 'counter', ['model', 'operation', 'type']],
  ['turnq_llm_errors_total', 'counter', ['model', 'operation', 'error_type']],
  ['turnq_intent_classifications_total', 'counter', ['intent', 'method']],
  ['turnq_context_tokens_total', 'counter', ['kind']],
  ['turnq_context_compression_ratio', 'histogram', []],
  ['turnq_summarizations_total', 'counter', ['outcome']],
  ['turnq_jobs_total', 'counter', ['queue', 'status']],
  ['turnq_job_retries_total', 'counter', ['queue']],
  ['turnq_queue_jobs', 'gauge', ['queue', 'state']],
  ['turnq_sessions_with_pending_turns', 'gauge', []],
  ['turnq_http_request_duration_seconds', 'histogram', ['method', 'route', 'status']],
];

/** Metrics beyond the contract's table (proposed additions); the dashboard and alerts use them. */
const additions: typeof contract = [
  ['turnq_sentiment_total', 'counter', ['label', 'method']],
  ['turnq_sessions_created_total', 'counter', []],
  ['turnq_jobs_stalled_total', 'counter', ['queue']],
  ['turnq_memory_extractions_total', 'counter', ['outcome']],
  ['turnq_memory_changes_total', 'counter', ['op']],
  ['turnq_memory_retrieval_seconds', 'histogram', []],
  ['turnq_memory_tokens_total', 'counter', []],
];

/** One sample on every metric, with the label values the services will really use. */
function observeEverything(m: Metrics): void {
  m.turnDuration.observe({ intent: 'greeting', outcome: 'completed' }, 1.2);
  m.turnQueueWait.observe(0.03);
  m.turnsTotal.inc({ outcome: 'completed' });
  m.stageDuration.observe({ stage: 'intent', outcome: 'completed' }, 0.004);
  m.llmRequestDuration.observe({ model: 'gpt-4o-mini', operation: 'chat', outcome: 'success' }, 0.9);
  m.llmTimeToFirstToken.observe({ model: 'gpt-4o-mini' }, 0.2);
  m.llmTokens.inc({ model: 'gpt-4o-mini', operation: 'chat', type: 'prompt' }, 120);
  m.llmErrors.inc({ model: 'gpt-4o-mini', operation: 'classify', error_type: 'rate_limit' });
  m.intentClassifications.inc({ intent: 'ending', method: 'keyword' });
  m.sentiments.inc({ label: 'negative', method: 'llm' });
  m.contextTokens.inc({ kind: 'original' }, 5000);
  m.contextCompressionRatio.observe(0.8);
  m.summarizations.inc({ outcome: 'completed' });
  m.jobsTotal.inc({ queue: 'response', status: 'failed' });
  m.jobRetries.inc({ queue: 'response' });
  m.queueJobs.set({ queue: 'response', state: 'waiting-children' }, 3);
  m.sessionsWithPendingTurns.set(2);
  m.httpRequestDuration.observe({ method: 'POST', route: '/v1/sessions/:id/turns', status: '202' }, 0.012);
  m.sessionsCreated.inc();
  m.jobsStalled.inc({ queue: 'intent' });
  m.memoryExtractions.inc({ outcome: 'changed' });
  m.memoryChanges.inc({ op: 'add' }, 2);
  m.memoryRetrieval.observe(0.002);
  m.memoryTokens.inc(40);
}

describe('createMetrics', () => {
  it('exports every metric of the contract (and the additions) with its type and exactly its labels', async () => {
    const m = createMetrics({ service: 'gateway', defaultMetrics: false });
    const text = await m.registry.metrics();
    for (const [name, type, labels] of [...contract, ...additions]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
      const metric = m.registry.getSingleMetric(name) as unknown as { labelNames: string[] };
      expect([...metric.labelNames].sort()).toEqual([...labels].sort());
    }
    const ours = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    expect(ours.sort()).toEqual([...contract, ...additions].map(([name]) => name).sort());
  });

  it('exports sessions created as 0 before the first one, so increase() counts the first', async () => {
    const m = createMetrics({ service: 'gateway', defaultMetrics: false });
    expect(await m.registry.getSingleMetricAsString('turnq_sessions_created_total')).toContain('turnq_sessions_created_total{service="gateway"} 0');
  });

  it('gives every call its own registry, so two processes in one test never share counts', async () => {
    const a = createMetrics({ service: 'intent-worker', defaultMetrics: false });
    const b = createMetrics({ service: 'intent-worker', defaultMetrics: false });
    a.turnsTotal.inc({ outcome: 'completed' });
    expect(await b.registry.getSingleMetricAsString('turnq_turns_total')).not.toContain('outcome="completed"');
  });

  it('labels every series with the service and includes prom-client defaults unless turned off', async () => {
    const withDefaults = await createMetrics({ service: 'summary-worker' }).registry.metrics();
    expect(withDefaults).toMatch(/^nodejs_eventloop_lag_p99_seconds\{service="summary-worker"\} /m);
    expect(withDefaults).toMatch(/^process_resident_memory_bytes\{service="summary-worker"\} /m);
    expect(await createMetrics({ service: 'x', defaultMetrics: false }).registry.metrics()).not.toContain('process_cpu');
  });

  it('rejects a service name that is not a closed, label-safe value', () => {
    expect(() => createMetrics({ service: 'Gateway 1' })).toThrow(/service name/);
  });

  it('puts the SLO thresholds on bucket boundaries', async () => {
    const m = createMetrics({ service: 'response-worker', defaultMetrics: false });
    observeEverything(m);
    const text = await m.registry.metrics();
    for (const le of ['10', '30']) expect(text).toContain(`turnq_turn_duration_seconds_bucket{le="${le}",`);
    expect(text).toContain('turnq_turn_queue_wait_seconds_bucket{le="30",');
    expect(text).toContain('turnq_llm_request_duration_seconds_bucket{le="81.92",');
    expect(text).toContain('turnq_context_compression_ratio_bucket{le="1",');
  });

  it('keeps the closed label sets the alerts select on', () => {
    expect(labelValues.turnOutcome).toEqual(['completed', 'failed', 'cancelled']);
    expect(labelValues.queueState).toContain('waiting');
    expect(labelValues.queueState).toContain('active');
  });

  const withPromtool = itWithTool('promtool');

  withPromtool('passes promtool check metrics with samples on every metric, defaults included', async () => {
    const m = createMetrics({ service: 'gateway' });
    observeEverything(m);
    const lint = metricsLintProblems(await m.registry.metrics());
    expect(lint.problems).toEqual([]);
    expect(lint.ran).toBe(true);
  });

  withPromtool('is checked by a promtool that does report problems (the check above can fail)', () => {
    const res = runTool('promtool', ['check', 'metrics'], '# HELP turnq_bad_total x\n# TYPE turnq_bad_total gauge\nturnq_bad_total 1\n');
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('turnq_bad_total non-counter metrics should not have "_total" suffix');
  });
});
