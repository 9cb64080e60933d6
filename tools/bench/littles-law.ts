import { monitorEventLoopDelay } from 'node:perf_hooks';
import { round } from '../loadtest/percentiles';
import type { BenchTarget } from './bench-target';
import { saturate } from './load-shapes';
import { cpuPerTurn, sampleCpu } from './process-cpu';

export interface LittlesLaw {
  llmMs: number;
  sessions: number;
  /** Mean turn latency with few sessions: the least time a turn can take (W₀). */
  unloadedLatencyMs: number;
  /** What the machine can do at all: turnq's saturation throughput with an instant LLM, same run. */
  capacityTurnsPerSec: number | null;
  /** min(N / W₀, capacity): the throughput Little's law allows N sessions. */
  allowedTurnsPerSec: number;
  measuredTurnsPerSec: number;
  measuredLatencyMs: number;
  /** measured / allowed. */
  ratio: number;
  errors: number;
  /** CPU during the loaded run: a busy machine means the CPU, not concurrency, was the limit. */
  cpuPerTurn: ReturnType<typeof cpuPerTurn>;
  /** The load generator's own event-loop delay p99 in the loaded run: when high, it, not turnq, held turns back. */
  loadGeneratorLagP99Ms: number;
}

/**
 * With a slow LLM and N sessions each keeping one turn in flight (closed loop, no think time), Little's
 * law says throughput = N / latency. If nothing but the LLM limits turnq, latency stays ≈ W₀ and
 * throughput ≈ N / W₀, up to what the CPU allows at all; a lower number means concurrency inside turnq
 * (worker slots, connections, a lock) is the bottleneck.
 */
export async function measureLittlesLaw(
  target: BenchTarget, setSim: (k: Record<string, number>) => Promise<void>,
  o: { llmMs: number; sessions: number; durationMs: number; capacity: number | null; cores: number },
  processes: () => Array<{ name: string; pid: number | undefined }>,
): Promise<LittlesLaw> {
  await setSim({ latencyMs: o.llmMs, tokensPerSecond: 0, latencyJitterMs: 0 });
  try {
    const unloaded = await saturate(target, { sessions: 8, warmupMs: o.llmMs, durationMs: Math.max(2 * o.llmMs, 2000) });
    const w0 = unloaded.latencyMs.mean ?? o.llmMs;
    // The warm-up lets every session's first turn start and the queues reach their steady state.
    const cpuBefore = sampleCpu(processes());
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const loaded = await saturate(target, { sessions: o.sessions, warmupMs: Math.max(2 * o.llmMs, 2000), durationMs: o.durationMs });
    lag.disable();
    const cpu = cpuPerTurn(cpuBefore, sampleCpu(processes()), loaded.allTurns, o.cores);
    const bound = (o.sessions * 1000) / w0;
    const allowed = o.capacity === null ? bound : Math.min(bound, o.capacity);
    return {
      llmMs: o.llmMs,
      sessions: o.sessions,
      unloadedLatencyMs: round(w0),
      capacityTurnsPerSec: o.capacity,
      allowedTurnsPerSec: round(allowed, 1),
      measuredTurnsPerSec: loaded.turnsPerSec,
      measuredLatencyMs: loaded.latencyMs.mean ?? 0,
      ratio: round(loaded.turnsPerSec / allowed, 3),
      errors: loaded.errors + unloaded.errors,
      cpuPerTurn: cpu,
      loadGeneratorLagP99Ms: round(lag.percentile(99) / 1e6),
    };
  } finally {
    await setSim({ latencyMs: 0, tokensPerSecond: 0 });
  }
}
