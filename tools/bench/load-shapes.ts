import { percentiles, round, type Percentiles } from '../loadtest/percentiles';
import { lineAt, type BenchTarget } from './bench-target';

/** `turns` ended inside the measured window; `allTurns` ended at any time during the call (for per-turn ratios). */
export interface Throughput { sessions: number; seconds: number; turns: number; allTurns: number; turnsPerSec: number; latencyMs: Percentiles; errors: number }

async function sessions(target: BenchTarget, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i += 64) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(64, n - i) }, () => target.newSession()))));
  }
  return out;
}

/**
 * Closed loop without think time: every session has one turn in flight at all times. Only turns that
 * end inside [warmup, warmup + duration] count, so start-up and the tail do not dilute the rate.
 */
export async function saturate(target: BenchTarget, o: { sessions: number; warmupMs: number; durationMs: number }): Promise<Throughput> {
  const ids = await sessions(target, o.sessions);
  const t0 = performance.now();
  const from = t0 + o.warmupMs;
  const until = from + o.durationMs;
  const lat: number[] = [];
  let errors = 0;
  let all = 0;
  await Promise.all(ids.map(async (sid, s) => {
    for (let i = 0; performance.now() < until; i++) {
      const r = await target.turn(sid, lineAt(i + s));
      if (r.ok) all++;
      const now = performance.now();
      if (now < from || now > until) continue;
      if (r.ok) lat.push(r.ms);
      else errors++;
    }
  }));
  const seconds = o.durationMs / 1000;
  return { sessions: o.sessions, seconds, turns: lat.length, allTurns: all, turnsPerSec: round(lat.length / seconds, 1), latencyMs: percentiles(lat), errors };
}

/**
 * Open loop at `rate` turns/s with Poisson arrivals (seeded), each on an idle session from a pool, so
 * a turn never queues behind its own session's previous one: what is measured is the system's
 * per-turn overhead at that load, queueing included.
 */
export async function atRate(target: BenchTarget, o: { rate: number; durationMs: number; warmupMs: number; pool: number }): Promise<Throughput & { rate: number; serverMs: Percentiles }> {
  const idle = await sessions(target, o.pool);
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const lat: number[] = [];
  const server: number[] = [];
  let errors = 0;
  let all = 0;
  const inflight: Array<Promise<void>> = [];
  const t0 = performance.now();
  let due = t0;
  for (let k = 0; due < t0 + o.warmupMs + o.durationMs; k++) {
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const counted = due >= t0 + o.warmupMs;
    inflight.push((async () => {
      const sid = idle.pop() ?? (await target.newSession());
      const r = await target.turn(sid, lineAt(k));
      idle.push(sid);
      if (r.ok) all++;
      if (!counted) return;
      if (r.ok) { lat.push(r.ms); if (r.serverMs !== null) server.push(r.serverMs); } else errors++;
    })());
    due += (-Math.log(1 - random()) * 1000) / o.rate;
  }
  await Promise.all(inflight);
  const seconds = o.durationMs / 1000;
  return { rate: o.rate, sessions: o.pool, seconds, turns: lat.length, allTurns: all, turnsPerSec: round(lat.length / seconds, 1), latencyMs: percentiles(lat), serverMs: percentiles(server), errors };
}

export interface LengthCost { length: number; medianMs: number | null; p95Ms: number | null; serverMedianMs: number | null; samples: number }

/**
 * The cost of one more turn as a conversation grows: one session per length, brought to that length
 * (prefill), then `window` rounds that each time one turn on every session in turn, with nothing else
 * running. Interleaving gives every length the same conditions (a shared machine's load comes and
 * goes); the median is the cost.
 */
export async function costByLength(target: BenchTarget, o: { lengths: number[]; window: number; warmup?: number }): Promise<LengthCost[]> {
  const lengths = [...new Set(o.lengths)].sort((a, b) => a - b);
  const [scratch, ...ids] = await sessions(target, lengths.length + 1);
  for (const [i, length] of lengths.entries()) await target.prefill(ids[i], length, 0);
  // A few turns on a scratch session first: the first length must not pay for JIT and lazy loading.
  for (let i = 0; i < (o.warmup ?? 20); i++) await target.turn(scratch, lineAt(i));
  const ms = lengths.map((): number[] => []);
  const server = lengths.map((): number[] => []);
  for (let round = 0; round < o.window; round++) {
    for (const [i, length] of lengths.entries()) {
      const r = await target.turn(ids[i], lineAt(length + round));
      if (!r.ok) throw new Error(`${target.name}: turn at length ${length + round} failed (${r.error})`);
      ms[i].push(r.ms);
      if (r.serverMs !== null) server[i].push(r.serverMs);
    }
  }
  return lengths.map((length, i) => {
    const p = percentiles(ms[i]);
    return { length, medianMs: p.p50, p95Ms: p.p95, serverMedianMs: percentiles(server[i]).p50, samples: ms[i].length };
  });
}
