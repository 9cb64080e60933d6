import { round } from '../loadtest/percentiles';
import type { BenchResults } from './run-bench';

export interface TargetResult { name: string; goal: string; measured: string; pass: boolean | null }

const ratioAt = (costs: Array<{ length: number; medianMs: number | null }> | undefined, lo: number, hi: number): number | null => {
  const a = costs?.find((c) => c.length === lo)?.medianMs;
  const b = costs?.find((c) => c.length === hi)?.medianMs;
  return a && b ? round(b / a, 2) : null;
};

/**
 * The four targets of the issue, each pass / fail / null (a section it needs was not run). The
 * per-turn cost compares the shortest and the longest measured lengths (10 and 1000 by default).
 */
export function evaluateTargets(r: BenchResults, lengths: number[], littleSessions: number, llmMs: number): TargetResult[] {
  const lo = Math.min(...lengths);
  const hi = Math.max(...lengths);
  const out: TargetResult[] = [];

  const sat = r.turnq?.saturation.turnsPerSec;
  const raw = r.rawBullmq?.jobsPerSec;
  out.push({
    name: 'throughput', goal: 'turnq turns/s ≥ 0.25 × raw BullMQ no-op jobs/s',
    measured: sat !== undefined && raw !== undefined ? `${sat} vs ${round(0.25 * raw, 1)} needed (${round(sat / raw, 3)}×)` : 'not run',
    pass: sat !== undefined && raw !== undefined ? sat >= 0.25 * raw : null,
  });

  const tqRatio = ratioAt(r.turnq?.costByLength, lo, hi);
  const blRatio = ratioAt(r.baseline?.costByLength, lo, hi);
  out.push({
    name: 'length', goal: `turnq cost/turn at ${hi} ≤ 1.25 × at ${lo}, while the baseline's grows (> 1.25×)`,
    measured: `turnq ${tqRatio ?? '—'}×, baseline ${blRatio ?? '—'}×`,
    pass: tqRatio === null ? null : tqRatio <= 1.25 && (blRatio === null || blRatio > 1.25),
  });

  const o = r.turnq?.overheadAtHalfSaturation;
  out.push({
    name: 'overhead', goal: 'turnq per-turn overhead p99 ≤ 25 ms at 50% of saturation',
    measured: o ? `p99 ${o.latencyMs.p99} ms (p50 ${o.latencyMs.p50} ms) at ${o.rate} turns/s, machine ${Math.round(o.cpuPerTurn.busyShare * 100)}% busy` : 'not run',
    pass: o ? (o.latencyMs.p99 ?? Infinity) <= 25 : null,
  });

  const l = r.littlesLaw;
  out.push({
    name: 'little', goal: `with a ${llmMs} ms LLM, ${littleSessions} sessions keep ≥ 90% of the throughput Little's law allows`,
    measured: l ? `${l.measuredTurnsPerSec} of ${l.allowedTurnsPerSec} turns/s (${Math.round(l.ratio * 100)}%), latency ${round(l.measuredLatencyMs, 0)} ms vs ${round(l.unloadedLatencyMs, 0)} ms unloaded` : 'not run',
    pass: l ? l.ratio >= 0.9 : null,
  });

  // What a turn costs Redis (issue 17): the units Redis capacity is bought in.
  const tq = r.turnq;
  const mb = tq ? tq.memoryPer1000IdleSessions.bytesPer1000.total / 1024 / 1024 : null;
  out.push(
    { name: 'redis-commands', goal: 'Redis commands per turn ≤ 110', measured: tq ? `${tq.redisCommandsPerTurn.perTurn}` : 'not run', pass: tq ? tq.redisCommandsPerTurn.perTurn <= 110 : null },
    { name: 'redis-cpu', goal: 'redis-server CPU per turn ≤ 0.5 ms', measured: tq ? `${tq.redisCpuMsPerTurn} ms at ${tq.saturation.turnsPerSec} turns/s` : 'not run', pass: tq ? tq.redisCpuMsPerTurn <= 0.5 : null },
    { name: 'redis-memory', goal: 'memory per 1,000 idle sessions of 3 turns ≤ 6 MB', measured: mb === null ? 'not run' : `${round(mb, 2)} MB`, pass: mb === null ? null : mb <= 6 },
  );
  return out;
}
