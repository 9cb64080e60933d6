import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRedis, spawnRedis, type SpawnedRedis } from '#libs/redis';
import { round } from '../loadtest/percentiles';
import { httpTarget } from './bench-target';
import { atRate } from './load-shapes';
import { commandCounts, commandsPerTurn, redisCpuSeconds, scriptMicros } from './redis-stats';
import { startBenchStack, type BenchStack } from './start-bench-stack';

/**
 * redis-server CPU per turn of two builds, measured in the same minutes: each build's stack on its own
 * private Redis (AOF on), both up at once, and short windows of the same open-loop rate given to one
 * then the other, round after round. On a shared machine whose load comes and goes, a whole bench of
 * one build and then the other compares two different machines; alternating windows at one rate
 * compares the builds. Usage (after npm run build):
 *
 *   node dist/tools/bench/compare-redis-cost.js --before <old dist> [--after <dist>] [--rate 40] [--seconds 8] [--rounds 5]
 *
 * The before build's Redis runs with Redis's defaults (--before-tuning to give it turnq's settings).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' }, after: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' },
      rounds: { type: 'string' }, 'before-tuning': { type: 'boolean' },
    },
  });
  if (!values.before) throw new Error('--before <dist of the older build> is required');
  const rate = Number(values.rate ?? 40);
  const ms = Number(values.seconds ?? 8) * 1000;
  const rounds = Number(values.rounds ?? 5);
  const builds = [
    { name: 'before', dist: resolve(values.before), tuning: values['before-tuning'] ?? false },
    { name: 'after', dist: resolve(values.after ?? resolve(__dirname, '..', '..')), tuning: true },
  ];
  const redises: SpawnedRedis[] = [];
  const stacks: BenchStack[] = [];
  try {
    const sides = [];
    for (const b of builds) {
      const r = await spawnRedis({ appendonly: true, tuning: b.tuning });
      redises.push(r);
      const stack = await startBenchStack({ redisUrl: r.url, dist: b.dist });
      stacks.push(stack);
      sides.push({ ...b, redis: createRedis(r.url, 'worker'), target: httpTarget('turnq', stack.baseUrl, null), rows: [] as Array<{ turns: number; cpuMs: number; scriptUs: number; commands: number; p50: number | null }> });
    }
    // a first window each, not counted: JIT, lazy loading and connections
    for (const s of sides) await atRate(s.target, { rate, durationMs: 2000, warmupMs: 0, pool: 64 });
    for (let i = 0; i < rounds; i++) {
      for (const s of i % 2 ? [...sides].reverse() : sides) {
        const c0 = await commandCounts(s.redis);
        const cpu0 = await redisCpuSeconds(s.redis);
        const us0 = await scriptMicros(s.redis);
        const r = await atRate(s.target, { rate, durationMs: ms, warmupMs: 0, pool: 64 });
        const cpuMs = (((await redisCpuSeconds(s.redis)) - cpu0) * 1000) / Math.max(1, r.allTurns);
        const scriptUs = round(((await scriptMicros(s.redis)) - us0) / Math.max(1, r.allTurns), 1);
        const commands = commandsPerTurn(c0, await commandCounts(s.redis), r.allTurns).perTurn;
        s.rows.push({ turns: r.allTurns, cpuMs: round(cpuMs, 3), scriptUs, commands, p50: r.latencyMs.p50 });
        console.error(`round ${i + 1} ${s.name}: ${r.allTurns} turns at ${rate}/s, redis-server ${round(cpuMs, 3)} ms CPU, ${scriptUs} µs in scripts and ${commands} commands per turn, p50 ${r.latencyMs.p50} ms`);
      }
    }
    const summary = sides.map((s) => {
      const spread = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); return { median: v[Math.floor(v.length / 2)], min: v[0], max: v[v.length - 1] }; };
      return { build: s.name, dist: s.dist, rate, seconds: ms / 1000, rounds, cpuMsPerTurn: spread(s.rows.map((x) => x.cpuMs)), scriptUsPerTurn: spread(s.rows.map((x) => x.scriptUs)), rows: s.rows };
    });
    console.log(JSON.stringify(summary, null, 2));
    for (const s of sides) { s.target.close(); s.redis.disconnect(); }
  } finally {
    await Promise.all(stacks.map((s) => s.stop()));
    await Promise.all(redises.map((r) => r.stop()));
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
