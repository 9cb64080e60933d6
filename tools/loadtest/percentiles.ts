/** Distribution summary of a sample, in the sample's unit. Empty samples give nulls, never NaN. */
export interface Percentiles { count: number; mean: number | null; p50: number | null; p95: number | null; p99: number | null; max: number | null }

/** Nearest-rank percentiles (no interpolation): every reported value was actually observed. */
export function percentiles(values: readonly number[]): Percentiles {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
  const at = (q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))];
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  return { count: xs.length, mean: round(mean), p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(xs[xs.length - 1]) };
}

/** The median, or null for an empty sample. */
export function median(values: readonly number[]): number | null {
  return percentiles(values).p50;
}

/** Two decimals: enough for milliseconds and token counts, short in JSON. */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Counts of each value, largest first. */
export function tally(values: readonly string[]): Record<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
}

/** One line of a summary table: "p50 12.3 · p95 40 · p99 80 · max 95 ms (n=…)". */
export function formatPercentiles(p: Percentiles, unit = 'ms'): string {
  if (p.count === 0) return '—';
  const f = (v: number | null) => (v === null ? '—' : v >= 100 ? String(Math.round(v)) : String(round(v, 1)));
  return `p50 ${f(p.p50)} · p95 ${f(p.p95)} · p99 ${f(p.p99)} · max ${f(p.max)} ${unit} (n=${p.count})`;
}
