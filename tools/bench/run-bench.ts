import { cpus } from 'node:os';
import { createRedis, type Redis } from '#libs/redis';
import { createBaselineChat } from './baseline-chat';
import { startBaselineServer } from './baseline-server';
import type { BenchOptions } from './bench-options';
import { httpTarget, lineAt, type BenchTarget } from './bench-target';
import { atRate, costByLength, saturate, type LengthCost, type Throughput } from './load-shapes';
import { measureLittlesLaw, type LittlesLaw } from './littles-law';
import { measureRawBullmq, type RawBullmqResult } from './raw-bullmq';
import { cpuPerTurn, sampleCpu } from './process-cpu';
import { attributeCommands, scriptNames, type CommandSources } from './command-sources';
import { commandCounts, commandsPerTurn, deleteKeys, redisCpuSeconds, scriptMicros, type CommandsPerTurn } from './redis-stats';
import { saturationNote } from './run-notes';
import { baselineMemory, turnqMemory, type SessionMemory } from './session-memory';
import { startBenchStack } from './start-bench-stack';
import { measureTokenizers, type TokenizerSpeed } from './tokenizer-speed';

export interface DesignResult {
  saturation: Throughput & { tried: Array<{ sessions: number; turnsPerSec: number }>; notSaturated: string | null };
  /** With the CPU it took: on a VM a process that sleeps between messages pays more per message (docs/performance.md). */
  overheadAtHalfSaturation: Throughput & { rate: number; cpuPerTurn: ReturnType<typeof cpuPerTurn> };
  costByLength: LengthCost[];
  redisCommandsPerTurn: CommandsPerTurn;
  /** redis-server's own CPU ms per turn over the saturation runs (INFO CPU), the unit Redis capacity is bought in. */
  redisCpuMsPerTurn: number;
  /** µs redis-server spent inside scripts per turn (commandstats usec: wall time, see scriptMicros). */
  scriptUsPerTurn: number;
  /** Commands per second with the stack idle (workers polling, stalled checks, metrics): paid with no turn at all. */
  idleCommandsPerSec?: { perSec: number; top: Record<string, number> };
  /** Who issued the commands (turnq's scripts, BullMQ's, direct calls), from an untimed MONITOR sample; turnq only. */
  commandSources?: CommandSources;
  /** CPU ms per turn by process during the saturation runs: where a CPU-bound machine's time goes. */
  cpuPerTurn: ReturnType<typeof cpuPerTurn>;
  memoryPer1000IdleSessions: SessionMemory;
}

type Processes = () => Array<{ name: string; pid: number | undefined }>;

export interface BenchResults {
  tokenizer?: TokenizerSpeed[];
  rawBullmq?: RawBullmqResult & { redisCommandsPerJob: CommandsPerTurn; cpuPerJob: ReturnType<typeof cpuPerTurn> };
  baseline?: DesignResult;
  turnq?: DesignResult;
  littlesLaw?: LittlesLaw;
}

const MODEL = 'gpt-4o-mini';

/** Saturation (best of the tried session counts, Redis commands counted around it), then half that rate, then cost by length and memory. */
async function measureDesign(target: BenchTarget, redis: Redis, o: BenchOptions, procs: Processes, memory: () => Promise<SessionMemory>, log: (s: string) => void,
  sources?: (drive: () => Promise<number>) => Promise<CommandSources>): Promise<DesignResult> {
  let idleCommandsPerSec: DesignResult['idleCommandsPerSec'];
  if (sources) {
    // a while with nothing to do: every worker's blocking wait (drainDelay) and stalled check (stalledInterval)
    const idleSeconds = o.quick ? 3 : 10;
    const idleBefore = await commandCounts(redis);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idle = commandsPerTurn(idleBefore, await commandCounts(redis), idleSeconds);
    idleCommandsPerSec = { perSec: idle.perTurn, top: idle.top };
    log(`${target.name}: idle: ${idle.perTurn} commands/s (${Object.entries(idle.top).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  }
  const before = await commandCounts(redis);
  const redisCpuBefore = await redisCpuSeconds(redis);
  const scriptUsBefore = await scriptMicros(redis);
  const cpuBefore = sampleCpu(procs());
  const tried: Throughput[] = [];
  for (const sessions of o.saturationSessions) {
    const t = await saturate(target, { sessions, warmupMs: Math.max(500, o.durationMs / 4), durationMs: o.durationMs });
    log(`${target.name}: ${t.turnsPerSec} turns/s with ${sessions} sessions (p50 ${t.latencyMs.p50} ms, ${t.errors} errors)`);
    tried.push(t);
  }
  const turns = tried.reduce((s, t) => s + t.allTurns, 0);
  const cpu = cpuPerTurn(cpuBefore, sampleCpu(procs()), turns, cpus().length);
  const commands = commandsPerTurn(before, await commandCounts(redis), turns);
  const redisCpuMsPerTurn = Math.round(((await redisCpuSeconds(redis)) - redisCpuBefore) * 1000 * 1000 / Math.max(1, turns)) / 1000;
  const scriptUsPerTurn = Math.round(((await scriptMicros(redis)) - scriptUsBefore) * 10 / Math.max(1, turns)) / 10;
  log(`${target.name}: ${commands.perTurn} Redis commands, ${redisCpuMsPerTurn} ms of redis-server CPU (${scriptUsPerTurn} µs of it in scripts) per turn`);
  log(`${target.name}: CPU per turn ${cpu.totalMsPerTurn} ms (${Object.entries(cpu.msPerTurn).map(([k, v]) => `${k} ${v}`).join(', ')}), machine ${Math.round(cpu.busyShare * 100)}% busy with these, ${cpu.otherShare === null ? '?' : Math.round(cpu.otherShare * 100)}% with other processes`);
  const best = tried.reduce((a, b) => (b.turnsPerSec > a.turnsPerSec ? b : a));
  const rate = Math.max(1, best.turnsPerSec / 2);
  // Enough sessions that each gets only a couple of turns, like the saturation runs' sessions: the
  // baseline's cost grows with history, and its capacity was measured on short conversations.
  const cpuAtRate = sampleCpu(procs());
  const measured = await atRate(target, { rate, durationMs: o.durationMs, warmupMs: 1000, pool: Math.max(64, Math.ceil((rate * (o.durationMs + 1000)) / 2000)) });
  const overhead = { ...measured, cpuPerTurn: cpuPerTurn(cpuAtRate, sampleCpu(procs()), measured.allTurns, cpus().length) };
  log(`${target.name}: at ${overhead.rate} turns/s: p50 ${overhead.latencyMs.p50} ms, p99 ${overhead.latencyMs.p99} ms; CPU per turn ${overhead.cpuPerTurn.totalMsPerTurn} ms, machine ${Math.round(overhead.cpuPerTurn.busyShare * 100)}% busy with these`);
  const cost = await costByLength(target, { lengths: o.lengths, window: o.window });
  log(`${target.name}: cost per turn ${cost.map((c) => `@${c.length} ${c.medianMs} ms`).join(', ')}`);
  const mem = await memory();
  log(`${target.name}: ${mem.bytesPer1000.total} bytes per 1,000 idle sessions (${JSON.stringify(mem.bytesPer1000)})`);
  let commandSources: CommandSources | undefined;
  if (sources && o.attributionTurns > 0) {
    commandSources = await sources(() => closedLoopTurns(target, 32, o.attributionTurns));
    log(`${target.name}: per turn ${commandSources.perTurn} commands: turnq scripts ${commandSources.totals.turnqScripts}, BullMQ scripts ${commandSources.totals.bullmqScripts}, direct ${commandSources.totals.direct}`);
  }
  return {
    saturation: { ...best, tried: tried.map((t) => ({ sessions: t.sessions, turnsPerSec: t.turnsPerSec })), notSaturated: saturationNote(tried, cpu.busyShare + (cpu.otherShare ?? 0)) },
    overheadAtHalfSaturation: overhead, costByLength: cost, redisCommandsPerTurn: commands, redisCpuMsPerTurn, scriptUsPerTurn, idleCommandsPerSec, commandSources, cpuPerTurn: cpu, memoryPer1000IdleSessions: mem,
  };
}

/** `turns` turns over `sessions` fresh sessions, each with one turn in flight; returns the turns completed. */
async function closedLoopTurns(target: BenchTarget, sessions: number, turns: number): Promise<number> {
  const ids = await Promise.all(Array.from({ length: sessions }, () => target.newSession()));
  let started = 0;
  let done = 0;
  await Promise.all(ids.map(async (sid, s) => {
    for (let i = 0; started < turns; i++) {
      started++;
      if ((await target.turn(sid, lineAt(i + s))).ok) done++;
    }
  }));
  return done;
}

/** Every selected section, one after another (never two at once: they share the machine). */
export async function runBench(o: BenchOptions, redisUrl: string, redisPid: number | undefined, logLine: (s: string) => void): Promise<BenchResults> {
  const results: BenchResults = {};
  const t0 = performance.now();
  const log = (s: string) => logLine(`[${Math.round((performance.now() - t0) / 1000)} s] ${s}`);
  if (o.only.has('tokenizer')) {
    results.tokenizer = measureTokenizers(MODEL, o.quick ? 300 : 3000, o.quick ? 2 : 5);
    log(`tokenizer: ${results.tokenizer.map((t) => `${t.library} ${t.usPerToken} µs/token`).join(', ')}`);
  }
  const redis = createRedis(redisUrl, 'worker');
  try {
    if (o.only.has('raw')) {
      const before = await commandCounts(redis);
      const procs = [{ name: 'redis-server', pid: redisPid }];
      const cpuBefore = sampleCpu(procs);
      const raw = await measureRawBullmq(redisUrl, { jobs: o.rawJobs, concurrency: 50, addsInFlight: 128 });
      const cpu = cpuPerTurn(cpuBefore, sampleCpu(procs), raw.jobs, cpus().length);
      results.rawBullmq = { ...raw, redisCommandsPerJob: commandsPerTurn(before, await commandCounts(redis), raw.jobs), cpuPerJob: cpu };
      log(`raw BullMQ: ${raw.jobsPerSec} no-op jobs/s, CPU per job ${cpu.totalMsPerTurn} ms`);
    }
    if (!o.only.has('baseline') && !o.only.has('turnq') && !o.only.has('little')) return results;

    const stack = await startBenchStack({ redisUrl, env: o.stackEnv, cpuProfDir: o.cpuProfDir ?? undefined, dist: o.stackDist ?? undefined });
    log(`turnq stack up: namespace ${stack.namespace}, gateway ${stack.baseUrl}, logs in ${stack.logDir}`);
    try {
      if (o.only.has('baseline')) {
        const chat = createBaselineChat({ redis, llmBaseUrl: `${stack.simUrl}/v1`, model: MODEL, maxContextTokens: 4000, ttlSeconds: 3600, keyPrefix: `${stack.namespace}-baseline:` });
        const server = await startBaselineServer(chat);
        // The reply text a prefilled turn gets: one real answer of the simulator, reused.
        const sample = await chat.processTurn(await chat.createSession('bench'), lineAt(0));
        const reply = sample?.response ?? '';
        const target = httpTarget('baseline', server.baseUrl, async (sid, turns, from) =>
          chat.prefill(sid, Array.from({ length: turns }, (_, i) => ({ user: lineAt(from + i), assistant: reply }))));
        try {
          const procs = () => [{ name: 'redis-server', pid: redisPid }, ...stack.processes().filter((p) => p.name === 'llm-sim')];
          results.baseline = await measureDesign(target, redis, o, procs, () => baselineMemory(redis, chat.key, target, { sessions: o.memorySessions, turns: 3 }), log);
        } finally {
          target.close();
          await server.close();
        }
      }
      const target = httpTarget('turnq', stack.baseUrl, null);
      const turnqProcs = () => [{ name: 'redis-server', pid: redisPid }, ...stack.processes()];
      try {
        if (o.only.has('turnq')) {
          const names = scriptNames(stack.dist);
          // MONITOR is a single node's command: the bench's normal mode runs on one Redis
          const sources = (drive: () => Promise<number>) => attributeCommands(redisUrl, names, drive);
          results.turnq = await measureDesign(target, redis, o, turnqProcs, () => turnqMemory(redis, stack.namespace, target, { sessions: o.memorySessions, turns: 3 }), log, sources);
        }
        if (o.only.has('little')) {
          results.littlesLaw = await measureLittlesLaw(target, (k) => stack.setSim(k), {
            llmMs: o.llmMs, sessions: o.littleSessions, durationMs: Math.max(o.durationMs, (o.quick ? 2 : 5) * o.llmMs), capacity: results.turnq?.saturation.turnsPerSec ?? null,
            cores: cpus().length,
          }, turnqProcs);
          const l = results.littlesLaw;
          log(`little: ${l.measuredTurnsPerSec} turns/s of ${l.allowedTurnsPerSec} allowed with ${l.sessions} sessions (${Math.round(l.ratio * 100)}%); ` +
            `CPU per turn ${l.cpuPerTurn.totalMsPerTurn} ms (${Object.entries(l.cpuPerTurn.msPerTurn).map(([k, v]) => `${k} ${v}`).join(', ')}), machine ${Math.round(l.cpuPerTurn.busyShare * 100)}% busy, load generator event-loop delay p99 ${l.loadGeneratorLagP99Ms} ms`);
        }
      } finally {
        target.close();
      }
    } finally {
      await stack.stop();
      // A private Redis goes away with the run; a shared one keeps nothing of it.
      await deleteKeys(redis, `{${stack.namespace}-*`);
      await deleteKeys(redis, `${stack.namespace}-baseline:*`);
    }
  } finally {
    redis.disconnect();
  }
  return results;
}
