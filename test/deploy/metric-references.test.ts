import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics, labelValues } from '#libs/metrics';
import { baseObjects, pendingWorkQueries } from './k8s-objects';
import { dashboardPanelExpressions, repoRoot, resolveGrafanaVariables, ruleFiles, rulesOf } from './promql-expressions';
import { literalValues, promqlSelectors, type Selector } from './promql-selectors';

interface Known {
  labels: Set<string>;
  /** label → the only values it can have (closed sets and histogram boundaries). */
  values: Map<string, Set<string>>;
}

/**
 * Labels every scraped series carries besides its own: the target's, createMetrics' `service`, and the
 * `namespace` that prometheus-operator adds in Kubernetes (the KEDA queries select on it).
 */
const targetLabels = ['job', 'instance', 'service', 'namespace'];

const closedSets: Record<string, Record<string, readonly string[]>> = {
  turnq_turn_duration_seconds: { outcome: labelValues.turnOutcome },
  turnq_turns_total: { outcome: labelValues.turnOutcome },
  turnq_stage_duration_seconds: { stage: labelValues.stage, outcome: labelValues.turnOutcome },
  turnq_llm_request_duration_seconds: { operation: labelValues.llmOperation, outcome: labelValues.llmOutcome },
  turnq_llm_tokens_total: { operation: labelValues.llmOperation, type: labelValues.tokenType },
  turnq_llm_errors_total: { operation: labelValues.llmOperation },
  turnq_intent_classifications_total: { method: labelValues.intentMethod },
  turnq_sentiment_total: { label: labelValues.sentimentLabel, method: labelValues.intentMethod },
  turnq_context_tokens_total: { kind: labelValues.contextKind },
  turnq_summarizations_total: { outcome: labelValues.summarizationOutcome },
  turnq_jobs_total: { status: labelValues.jobStatus },
  turnq_memory_extractions_total: { outcome: labelValues.memoryExtractionOutcome },
  turnq_memory_changes_total: { op: labelValues.memoryChangeOp },
  turnq_queue_jobs: { state: labelValues.queueState },
  'turnq:queue_jobs:max': { state: labelValues.queueState },
};

const recordingRules = rulesOf(join(repoRoot, 'deploy/prometheus/rules.yml')).filter((r) => r.kind === 'record');

/** Every series name a turnq process exports (prom-client defaults included), with its labels. */
function knownSeries(): Map<string, Known> {
  const m = createMetrics({ service: 'gateway' });
  const known = new Map<string, Known>();
  for (const metric of m.registry.getMetricsAsArray()) {
    const { name, labelNames, upperBounds } = metric as unknown as { name: string; labelNames: string[]; upperBounds?: number[] };
    const values = new Map(Object.entries(closedSets[name] ?? {}).map(([l, v]) => [l, new Set(v)]));
    const entry = (extra: string[] = [], extraValues = new Map<string, Set<string>>()): Known =>
      ({ labels: new Set([...labelNames, ...targetLabels, ...extra]), values: new Map([...values, ...extraValues]) });
    if (upperBounds) {
      known.set(`${name}_bucket`, entry(['le'], new Map([['le', new Set([...upperBounds.map(String), '+Inf'])]])));
      known.set(`${name}_sum`, entry());
      known.set(`${name}_count`, entry());
    } else {
      known.set(name, entry());
    }
  }
  // Prometheus' own series per target.
  known.set('up', { labels: new Set(targetLabels), values: new Map() });
  // Labels of a recording rule's output are not checked, only its closed values.
  const anyLabels = new Proxy(new Set<string>(), { get: (t, p) => (p === 'has' ? () => true : Reflect.get(t, p)) });
  for (const r of recordingRules) {
    known.set(r.name, { labels: anyLabels, values: new Map(Object.entries(closedSets[r.name] ?? {}).map(([l, v]) => [l, new Set(v)])) });
  }
  return known;
}

/** What is wrong with the selectors of one expression; empty when all of them can match something. */
function problemsOf(where: string, expr: string, known: Map<string, Known>): string[] {
  const problems: string[] = [];
  const selectors: Selector[] = promqlSelectors(expr);
  if (selectors.length === 0) problems.push(`${where}: no metric found in ${expr}`);
  for (const { metric, matchers } of selectors) {
    const k = known.get(metric);
    if (!k) {
      problems.push(`${where}: ${metric} is exported by no turnq process and defined by no recording rule`);
      continue;
    }
    for (const matcher of matchers) {
      if (!k.labels.has(matcher.label)) problems.push(`${where}: ${metric} has no label ${matcher.label}`);
      const allowed = k.values.get(matcher.label);
      const literals = literalValues(matcher);
      if (!allowed || !literals) continue;
      // `le` values are compared as numbers: Prometheus 3 writes 10 as 10.0.
      const norm = (v: string) => (matcher.label === 'le' && v !== '+Inf' ? String(Number(v)) : v);
      for (const v of literals) if (!allowed.has(norm(v))) problems.push(`${where}: ${metric}{${matcher.label}="${v}"} can never match (allowed: ${[...allowed].join(', ')})`);
    }
  }
  return problems;
}

describe('metrics named by dashboards and rules', () => {
  const known = knownSeries();
  const panels = dashboardPanelExpressions();
  const rules = ruleFiles.flatMap((f) => rulesOf(f));

  it('finds the panels and rules it checks', () => {
    expect(panels.length).toBeGreaterThan(30);
    expect(rules.length).toBeGreaterThan(20);
  });

  it('every dashboard panel names only exported metrics, labels and label values', () => {
    expect(panels.flatMap((p) => problemsOf(`${p.file} "${p.panel}"`, p.expr, known))).toEqual([]);
  });

  it('every recording rule and alert names only exported metrics, labels and label values', () => {
    expect(rules.flatMap((r) => problemsOf(`${r.kind} ${r.name}`, r.expr, known))).toEqual([]);
  });

  it('every KEDA ScaledObject query (deploy/k8s) names only exported metrics, labels and label values', () => {
    const queries = pendingWorkQueries(baseObjects());
    expect(queries.length).toBeGreaterThanOrEqual(3);
    expect(queries.flatMap((q) => problemsOf(`ScaledObject ${q.scaledObject}`, q.expr, known))).toEqual([]);
  });

  it('reports a metric nobody exports, a label it lacks and a value it cannot have (the checks can fail)', () => {
    expect(problemsOf('x', 'sum(rate(turnq_turns_totl[5m]))', known)).toEqual(['x: turnq_turns_totl is exported by no turnq process and defined by no recording rule']);
    expect(problemsOf('x', 'turnq_turns_total{status="failed"}', known)).toEqual(['x: turnq_turns_total has no label status']);
    expect(problemsOf('x', 'turnq_queue_jobs{state=~"wait|active"}', known)).toHaveLength(1);
    expect(problemsOf('x', 'turnq_turn_duration_seconds_bucket{le="12"}', known)).toHaveLength(1);
    expect(problemsOf('x', 'turnq_turn_duration_seconds_bucket{le=~"10|10.0"}', known)).toEqual([]);
  });

  it('every recording rule is used by an alert or a dashboard panel', () => {
    const used = new Set([...panels.map((p) => p.expr), ...rules.map((r) => r.expr)].flatMap((e) => promqlSelectors(e).map((s) => s.metric)));
    expect(recordingRules.map((r) => r.name).filter((n) => !used.has(n))).toEqual([]);
  });

  it('reads names, not functions, keywords, durations or label values, out of PromQL', () => {
    const expr = 'sum by (queue) (increase(turnq_jobs_total{status="failed", queue=~"a|b"}[15m])) > 0 '
      + 'or (x_total unless on (queue) x_total offset 15m) and on () histogram_quantile(0.9, rate(y_bucket{le="sum"}[1m]))';
    expect(promqlSelectors(expr).map((s) => s.metric)).toEqual(['turnq_jobs_total', 'x_total', 'x_total', 'y_bucket']);
    expect(promqlSelectors(expr)[0].matchers).toEqual([{ label: 'status', op: '=', value: 'failed' }, { label: 'queue', op: '=~', value: 'a|b' }]);
  });

  it('replaces Grafana variables and refuses ones it does not know', () => {
    expect(resolveGrafanaVariables('rate(x[$__rate_interval]) / increase(y[${__range}]) * $__range_s')).toBe('rate(x[1m]) / increase(y[1h]) * 3600');
    expect(() => resolveGrafanaVariables('x{model="$model"}')).toThrow(/unknown Grafana variable \$model/);
  });
});

describe('grafana dashboards', () => {
  const datasourceUid = /uid:\s*(\S+)/.exec(readFileSync(join(repoRoot, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8'))?.[1];
  const file = join(repoRoot, 'deploy/grafana/dashboards/turnq-overview.json');
  type P = { id: number; type: string; gridPos?: object; datasource?: { uid?: string }; targets?: Array<{ datasource?: { uid?: string } }>; panels?: P[] };
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { uid: string; panels: P[]; templating: { list: Array<{ name: string; type: string }> } };
  const all = (ps: P[]): P[] => ps.flatMap((p) => [p, ...all(p.panels ?? [])]);

  it('query the data source chosen by $datasource, which defaults to the provisioned Prometheus', () => {
    expect(datasourceUid).toBe('turnq-prometheus');
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus', current: { value: datasourceUid } });
    const where = (p: P) => `panel ${p.id} "${(p as { title?: string }).title}"`;
    for (const p of all(dashboard.panels).filter((x) => x.type !== 'row')) {
      expect([where(p), p.datasource?.uid]).toEqual([where(p), '${datasource}']);
      for (const t of p.targets ?? []) expect([where(p), t.datasource?.uid]).toEqual([where(p), '${datasource}']);
    }
  });

  it('filter every turnq series by namespace, job and instance, and have a stalled-jobs panel', () => {
    const names = dashboard.templating.list.map((v) => v.name);
    expect(names).toEqual(['datasource', 'namespace', 'job', 'instance']);
    const exprs = dashboardPanelExpressions().filter((p) => p.file === 'turnq-overview.json');
    const raw = all(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: (p as { title?: string }).title, expr: (t as { expr?: string }).expr ?? '' })));
    expect(raw.length).toBe(exprs.length);
    for (const { panel, expr } of raw) {
      for (const s of promqlSelectors(expr).filter((x) => /^(turnq_|process_|nodejs_)/.test(x.metric))) {
        expect([panel, s.metric, ['namespace', 'job', 'instance'].every((l) => s.matchers.some((m) => m.label === l && m.op === '=~'))]).toEqual([panel, s.metric, true]);
      }
    }
    expect(raw.find((r) => r.panel === 'Stalled jobs/s')?.expr).toContain('turnq_jobs_stalled_total');
  });

  it('have a fixed uid, unique panel ids and a position for every panel', () => {
    expect(dashboard.uid).toBe('turnq-overview');
    const ids = all(dashboard.panels).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of all(dashboard.panels)) expect(p.gridPos).toBeDefined();
  });

  it('show the origin design charts and the rows the operations guide describes', () => {
    const titles = all(dashboard.panels).map((p) => (p as { title?: string }).title);
    for (const t of ['Processing time per turn', 'Tokens per turn', 'Messages per session', 'Intent distribution',
      'Turns/s by outcome', 'Queue wait', 'Time to first token', 'Keyword vs LLM share', 'Context compression ratio',
      'Queue depth by state', 'Event-loop lag p99']) {
      expect(titles).toContain(t);
    }
  });
});
