import type { TurnRecord } from './turn-record';

export interface Chart { file: string; title: string; spec: Record<string, unknown> }

const MAX_POINTS = 4000;
const WIDTH = 640;
const HEIGHT = 260;

/** At most MAX_POINTS rows, evenly strided, so a 100k-turn run still renders a readable SVG. */
function thin<T>(rows: T[]): T[] {
  if (rows.length <= MAX_POINTS) return rows;
  const step = rows.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, i) => rows[Math.floor(i * step)]);
}

const base = (title: string, values: unknown[]) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title, width: WIDTH, height: HEIGHT, data: { values }, config: { font: 'sans-serif' },
});

/**
 * The report's charts as Vega-Lite specs: the origin design's four (processing time per turn, tokens
 * per turn, cumulative messages over the run, intent distribution) plus the latency distribution and
 * throughput over time. Times are seconds since the run started.
 */
export function chartSpecs(turns: TurnRecord[]): Chart[] {
  const ended = turns.filter((t) => t.endedMs !== null).sort((a, b) => a.endedMs! - b.endedMs!);
  const t0 = turns.length ? Math.min(...turns.map((t) => t.sentMs)) : 0;
  const done = ended.filter((t) => t.status === 'completed');

  const processing = thin(done.map((t, i) => ({ i: i + 1, e2e: t.endedMs! - t.sentMs, server: t.timings?.totalMs ?? null })));
  const tokens = done.filter((t) => t.usage).flatMap((t) => [
    { seq: t.seq, kind: 'prompt', tokens: t.usage!.promptTokens },
    { seq: t.seq, kind: 'completion', tokens: t.usage!.completionTokens },
  ]);
  const cumulative = thin(done.map((t, i) => ({ t: (t.endedMs! - t0) / 1000, messages: 2 * (i + 1) })));
  const latency = thin(done.flatMap((t) => [
    { metric: 'end to end', ms: t.endedMs! - t.sentMs },
    ...(t.timings ? [{ metric: 'queue wait', ms: t.timings.queuedMs }] : []),
    ...(t.firstDeltaMs !== null ? [{ metric: 'time to first token (SSE)', ms: t.firstDeltaMs - t.sentMs }] : []),
  ]));
  const perSecond = new Map<number, { completed: number; errors: number }>();
  for (const t of ended) {
    const s = Math.floor((t.endedMs! - t0) / 1000);
    const b = perSecond.get(s) ?? { completed: 0, errors: 0 };
    if (t.status === 'completed') b.completed++;
    if (t.error) b.errors++;
    perSecond.set(s, b);
  }
  const throughput = [...perSecond].sort((a, b) => a[0] - b[0])
    .flatMap(([s, b]) => [{ t: s, kind: 'completed turns/s', n: b.completed }, { t: s, kind: 'errors/s', n: b.errors }]);

  return [
    { file: 'processing-time.svg', title: 'Processing time per turn', spec: {
      ...base('Processing time per turn (ms)', processing),
      transform: [{ fold: ['e2e', 'server'], as: ['measure', 'ms'] }, { filter: 'datum.ms != null' }],
      mark: { type: 'point', filled: true, size: 12, opacity: 0.6 },
      encoding: {
        x: { field: 'i', type: 'quantitative', title: 'turn (completion order)' },
        y: { field: 'ms', type: 'quantitative', title: 'ms' },
        color: { field: 'measure', type: 'nominal', title: null, scale: { domain: ['e2e', 'server'], range: ['#4c78a8', '#f58518'] },
          legend: { labelLimit: 260, labelExpr: "datum.label == 'e2e' ? 'end to end (client)' : 'server total (timings.totalMs)'" } },
      } } },
    { file: 'tokens-per-turn.svg', title: 'Tokens per turn', spec: {
      ...base('Tokens per turn, by turn number in the conversation (mean)', tokens),
      // Means per (seq, kind) first, then stacked: Vega-Lite refuses to stack a mean aggregate itself.
      transform: [{ aggregate: [{ op: 'mean', field: 'tokens', as: 'mean' }], groupby: ['seq', 'kind'] }],
      mark: 'bar',
      encoding: {
        x: { field: 'seq', type: 'ordinal', title: 'turn number (seq)' },
        y: { field: 'mean', type: 'quantitative', title: 'tokens', stack: 'zero' },
        color: { field: 'kind', type: 'nominal', title: null },
      } } },
    { file: 'cumulative-messages.svg', title: 'Cumulative messages', spec: {
      ...base('Messages stored over the run (2 per completed turn)', cumulative),
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: { x: { field: 't', type: 'quantitative', title: 'seconds' }, y: { field: 'messages', type: 'quantitative', title: 'messages' } } } },
    { file: 'intent-distribution.svg', title: 'Intent distribution', spec: {
      ...base('Intent distribution (completed turns)', done.filter((t) => t.intent).map((t) => ({ label: t.intent!.label, method: t.intent!.method }))),
      mark: 'bar',
      encoding: {
        y: { field: 'label', type: 'nominal', title: null, sort: '-x' },
        x: { aggregate: 'count', type: 'quantitative', title: 'turns' },
        color: { field: 'method', type: 'nominal', title: 'method' },
      } } },
    { file: 'latency-distribution.svg', title: 'Latency distribution', spec: {
      // One histogram per measure, each binned over its own range (a facet would share the bins).
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: 'Latency distribution (ms)', data: { values: latency },
      vconcat: [...new Set(latency.map((r) => r.metric))].map((metric) => ({
        width: WIDTH, height: 90, transform: [{ filter: { field: 'metric', equal: metric } }], mark: 'bar',
        encoding: {
          x: { field: 'ms', type: 'quantitative', bin: { maxbins: 50 }, title: `${metric} (ms)` },
          y: { aggregate: 'count', type: 'quantitative', title: 'turns' },
        },
      })) } },
    { file: 'throughput.svg', title: 'Throughput over time', spec: {
      ...base('Throughput over time (per second)', throughput),
      mark: { type: 'line', point: { size: 10 } },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds' },
        y: { field: 'n', type: 'quantitative', title: 'per second' },
        color: { field: 'kind', type: 'nominal', title: null },
      } } },
  ];
}
