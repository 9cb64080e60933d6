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
 * The cost of one more turn as a conversation grows: one session is brought to each length (prefill),
 * then `window` turns are timed one after another with nothing else running. The median is the cost:
 * on a shared 2-core machine single turns are easily delayed by someone else's process.
 */
export async function costByLength(target: BenchTarget, o: { lengths: number[]; window: number; warmup?: number }): Promise<LengthCost[]> {
  const [scratch, sid] = await sessions(target, 2);
  // A few turns on a scratch session first: the first length must not pay for JIT and lazy loading.
  for (let i = 0; i < (o.warmup ?? 20); i++) await target.turn(scratch, lineAt(i));
  let at = 0;
  const out: LengthCost[] = [];
  for (const length of [...o.lengths].sort((a, b) => a - b)) {
    if (length > at) await target.prefill(sid, length - at, at);
    at = Math.max(at, length);
    const ms: number[] = [];
    const server: number[] = [];
    for (let i = 0; i < o.window; i++) {
      const r = await target.turn(sid, lineAt(at++));
      if (!r.ok) throw new Error(`${target.name}: turn at length ${at} failed (${r.error})`);
      ms.push(r.ms);
      if (r.serverMs !== null) server.push(r.serverMs);
    }
    const p = percentiles(ms);
    out.push({ length, medianMs: p.p50, p95Ms: p.p95, serverMedianMs: percentiles(server).p50, samples: ms.length });
  }
  return out;
}
