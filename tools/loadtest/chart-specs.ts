import type { TurnRecord } from './turn-record';

export interface Chart { file: string; title: string; caption: string; spec: Record<string, unknown> }

const MAX_POINTS = 4000;
/* Every chart is this wide as a whole, axes and legend included, so the report's figures line up and
   share one text size (the report shows them at most 700 px wide). */
const WIDTH = 700;
const HEIGHT = 260;
/* Vega-Lite cannot fit a stack of views (the latency histograms) to a width: their plots get the width
   a single chart's plot gets beside a y axis of short numbers. */
const STACKED_PLOT_WIDTH = WIDTH - 53;
/* Client and server time in every chart that shows both: blue circles and orange triangles. */
const CLIENT = { color: '#1f5fae', shape: 'circle' };
const SERVER = { color: '#e8710a', shape: 'triangle-up' };
/* Axes of counts (turns, messages, turn numbers) only ever carry whole numbers. */
const COUNT_AXIS = { tickMinStep: 1, format: 'd' };

/** At most MAX_POINTS rows, evenly strided, so a 100k-turn run still renders a readable SVG. */
function thin<T>(rows: T[]): T[] {
  if (rows.length <= MAX_POINTS) return rows;
  const step = rows.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, i) => rows[Math.floor(i * step)]);
}

/** A round bin width (1, 2, 2.5 or 5 × 10^k) no wider than `max / bins`, so there are at least `bins` bins. */
export function binStep(max: number, bins: number): number {
  const raw = Math.max(max, 1) / bins;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [10, 5, 2.5, 2, 1].find((m) => m * mag <= raw)! * mag;
}

/** Histogram bins for n samples: Sturges' rule (1 + log2 n), so 30 samples get 6 bins and 100k get 18. */
export function binsFor(n: number): number {
  return Math.max(5, Math.min(40, Math.ceil(1 + Math.log2(Math.max(1, n)))));
}

/**
 * The window throughput is averaged over: at least 1 s, and wide enough that a window holds ~10
 * completions on average, so a few turns ending together do not draw a peak; never more than a fifth
 * of the run, so its shape still shows.
 */
export function throughputWindow(completed: number, wallSeconds: number): number {
  if (completed === 0 || wallSeconds <= 0) return 1;
  const perSecond = completed / wallSeconds;
  return Math.max(1, Math.min(Math.ceil(10 / perSecond), Math.max(1, Math.floor(wallSeconds / 5))));
}

const spec = (title: string, values: unknown[], rest: Record<string, unknown>) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: title, anchor: 'start', fontSize: 14 }, width: WIDTH, height: HEIGHT, autosize: { type: 'fit-x', contains: 'padding' }, data: { values },
  config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, orient: 'top' } },
  ...rest,
});

const human = (label: string) => label.charAt(0).toUpperCase() + label.slice(1).replace(/_/g, ' ');

/**
 * The report's charts as Vega-Lite specs: the origin design's four (processing time per turn, tokens
 * per turn, cumulative messages over the run, intent distribution) plus the latency distribution and
 * throughput over time. Times are seconds since the first turn was sent, so the time axes start at 0.
 */
export function chartSpecs(turns: TurnRecord[]): Chart[] {
  const ended = turns.filter((t) => t.endedMs !== null).sort((a, b) => a.endedMs! - b.endedMs!);
  const t0 = turns.length ? Math.min(...turns.map((t) => t.sentMs)) : 0;
  const done = ended.filter((t) => t.status === 'completed');
  const wallSeconds = ended.length ? (ended[ended.length - 1].endedMs! - t0) / 1000 : 0;

  const processing = thin(done.flatMap((t, i) => [
    { i: i + 1, measure: 'end to end (client)', ms: t.endedMs! - t.sentMs },
    ...(t.timings ? [{ i: i + 1, measure: 'server total (timings.totalMs)', ms: t.timings.totalMs }] : []),
  ]));
  const tokens = done.filter((t) => t.usage && t.seq !== null).flatMap((t) => [
    { seq: t.seq, kind: 'prompt', tokens: t.usage!.promptTokens },
    { seq: t.seq, kind: 'completion', tokens: t.usage!.completionTokens },
  ]);
  const cumulative = thin([{ t: 0, messages: 0 }, ...done.map((t, i) => ({ t: (t.endedMs! - t0) / 1000, messages: 2 * (i + 1) }))]);
  const latency = [
    { metric: 'end to end (client)', values: done.map((t) => t.endedMs! - t.sentMs) },
    { metric: 'queue wait (server)', values: done.flatMap((t) => (t.timings ? [t.timings.queuedMs] : [])) },
    { metric: 'time to first token (SSE, client)', values: done.flatMap((t) => (t.firstDeltaMs !== null ? [t.firstDeltaMs - t.sentMs] : [])) },
  ].filter((l) => l.values.length > 0);

  const w = throughputWindow(done.length, wallSeconds);
  // The last window runs to the end of the run: a sliver of a window with one turn in it would be a peak.
  const windows = Math.max(1, Math.round(wallSeconds / w));
  const counts = Array.from({ length: windows }, () => ({ completed: 0, errors: 0 }));
  for (const t of ended) {
    const k = Math.min(windows - 1, Math.floor((t.endedMs! - t0) / 1000 / w));
    if (t.status === 'completed') counts[k].completed++;
    if (t.error) counts[k].errors++;
  }
  const throughput = counts.flatMap((c, k) => {
    const from = k * w;
    const to = k === windows - 1 ? Math.max(wallSeconds, from + 0.001) : from + w;
    return [
      { from, to, kind: 'completed turns/s', rate: c.completed / (to - from) },
      { from, to, kind: 'errors/s', rate: c.errors / (to - from) },
    ];
  });
  const seconds = { type: 'quantitative', title: 'seconds since the first turn', scale: { domainMin: 0 } };

  return [
    { file: 'processing-time.svg', title: 'Processing time per turn', caption: 'Each completed turn, in the order turns ended: the client\'s end-to-end time and the server\'s own total.',
      spec: spec('Processing time per turn (ms)', processing, {
        mark: { type: 'point', filled: true, size: 30, opacity: 0.75 },
        encoding: {
          x: { field: 'i', type: 'quantitative', title: 'turn (in completion order)', axis: COUNT_AXIS, scale: { domainMin: 1, nice: false } },
          y: { field: 'ms', type: 'quantitative', title: 'ms' },
          color: { field: 'measure', type: 'nominal', title: null, scale: { range: [CLIENT.color, SERVER.color] }, legend: { labelLimit: 320 } },
          shape: { field: 'measure', type: 'nominal', title: null, scale: { range: [CLIENT.shape, SERVER.shape] } },
        } }) },
    { file: 'tokens-per-turn.svg', title: 'Tokens per turn', caption: 'Mean prompt and completion tokens by the turn\'s number in its conversation: the prompt grows with the history.',
      spec: spec('Tokens per turn, by turn number in the conversation (mean)', tokens, {
        // Means per (seq, kind) first, then stacked: Vega-Lite refuses to stack a mean aggregate itself.
        transform: [{ aggregate: [{ op: 'mean', field: 'tokens', as: 'mean' }], groupby: ['seq', 'kind'] }],
        mark: 'bar',
        encoding: {
          x: { field: 'seq', type: 'ordinal', title: 'turn number (seq)', axis: { labelAngle: 0 } },
          y: { field: 'mean', type: 'quantitative', title: 'tokens', stack: 'zero', axis: COUNT_AXIS },
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['prompt', 'completion'], range: [CLIENT.color, SERVER.color] } },
        } }) },
    { file: 'cumulative-messages.svg', title: 'Cumulative messages', caption: 'Messages stored over the run: two per completed turn (the user\'s and the reply).',
      spec: spec('Messages stored over the run (2 per completed turn)', cumulative, {
        mark: { type: 'line', interpolate: 'step-after', color: CLIENT.color },
        encoding: { x: { field: 't', ...seconds }, y: { field: 'messages', type: 'quantitative', title: 'messages', axis: COUNT_AXIS } } }) },
    { file: 'intent-distribution.svg', title: 'Intent distribution', caption: 'Intent of each completed turn, and how it was found.',
      spec: spec('Intent distribution (completed turns)', done.filter((t) => t.intent).map((t) => ({ label: human(t.intent!.label), method: t.intent!.method })), {
        mark: 'bar',
        encoding: {
          y: { field: 'label', type: 'nominal', title: null, sort: '-x' },
          x: { aggregate: 'count', type: 'quantitative', title: 'turns', axis: COUNT_AXIS },
          color: { field: 'method', type: 'nominal', title: 'method', scale: { domain: ['keyword', 'llm', 'fallback'], range: [CLIENT.color, SERVER.color, '#8a8f98'] } },
        } }) },
    { file: 'latency-distribution.svg', title: 'Latency distribution', caption: 'Histograms of three latencies, from 0; bins by Sturges\' rule for the number of samples.',
      // One histogram per measure, each binned over its own range (a facet would share the bins).
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: { text: 'Latency distribution (ms)', anchor: 'start', fontSize: 14 },
        config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 } },
        vconcat: latency.map((l) => ({
          width: STACKED_PLOT_WIDTH, height: Math.round(HEIGHT / 3), data: { values: l.values.map((ms) => ({ ms })) },
          mark: { type: 'bar', color: l.metric.includes('server') ? SERVER.color : CLIENT.color },
          encoding: {
            x: { field: 'ms', type: 'quantitative', bin: { step: binStep(Math.max(...l.values), binsFor(l.values.length)), extent: [0, Math.max(1, ...l.values)] }, title: `${l.metric}, ms (n=${l.values.length})` },
            y: { aggregate: 'count', type: 'quantitative', title: 'turns', axis: COUNT_AXIS },
          },
        })),
      } },
    { file: 'throughput.svg', title: 'Throughput over time', caption: `Completed turns and errors per second, each bar averaged over a ${w}-second window (about 10 completions).`,
      spec: spec(`Throughput over time (per second, ${w} s windows)`, throughput, {
        // Rectangles from 0 to each window's rate; errors are drawn over the completions they accompany.
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'from', ...seconds }, x2: { field: 'to' },
          y: { field: 'rate', type: 'quantitative', title: 'per second' }, y2: { datum: 0 },
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['completed turns/s', 'errors/s'], range: [CLIENT.color, '#c62828'] } },
        } }) },
  ];
}
