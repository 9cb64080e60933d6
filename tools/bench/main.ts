import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createRedis, spawnRedis, type SpawnedRedis } from '#libs/redis';
import { BENCH_USAGE, parseBenchOptions, type BenchOptions } from './bench-options';
import { evaluateTargets } from './evaluate-targets';
import { formatBench } from './format-bench';
import { machineBusy } from './process-cpu';
import { windowNote } from './run-notes';
import { runBench } from './run-bench';
import { runClusterBench } from './cluster-bench';

/**
 * `turnq bench`: one run, side by side on this machine — the origin's synchronous design, raw BullMQ
 * and turnq — printed as a table with the issue's targets, and written to bench.json. A private
 * redis-server (append-only file on, as in production) keeps other users of a shared Redis out of the
 * command counts and the timings.
 */
export async function main(argv: string[]): Promise<number> {
  let o: BenchOptions | 'help';
  try {
    o = parseBenchOptions(argv);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (o === 'help') { console.log(BENCH_USAGE); return 0; }
  if (o.cluster) return clusterMain(o);

  let own: SpawnedRedis | null = null;
  let redisUrl = o.redisUrl;
  if (!redisUrl) {
    try {
      own = await spawnRedis({ appendonly: true, tuning: !o.redisDefaults });
      redisUrl = own.url;
    } catch (err) {
      redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      console.error(`bench: no private redis-server (${(err as Error).message}); using ${redisUrl} — command counts include its other clients`);
    }
  }
  const log = (s: string) => console.error(`bench: ${s}`);
  const started = Date.now();
  try {
    const probe = createRedis(redisUrl, 'worker');
    const version = /redis_version:(\S+)/.exec(await probe.info('server'))?.[1] ?? '?';
    probe.disconnect();
    log(`${o.quick ? 'quick run' : 'full run'} on node ${process.version}, ${cpus().length} CPUs, Redis ${version} (${own ? 'private' : redisUrl})`);
    const busyBefore = await machineBusy(1000, cpus().length);
    const small = windowNote(o.window);
    if (small) log(`WARNING: ${small}`);
    if (busyBefore !== null && busyBefore > 0.15) log(`WARNING: the machine is already ${Math.round(busyBefore * 100)}% busy before the bench starts; every number below will be worse`);

    const results = await runBench(o, redisUrl, own?.process.pid, log);
    const targets = evaluateTargets(results, o.lengths, o.littleSessions, o.llmMs);
    const meta = {
      at: new Date(started).toISOString(), seconds: Math.round((Date.now() - started) / 1000), node: process.version,
      cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', machineBusyBefore: busyBefore, redis: { version, private: own !== null }, quick: o.quick,
      options: { ...o, only: [...o.only] },
    };
    const out = resolve(o.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ meta, ...results, targets }, null, 2)}\n`);
    console.log(formatBench(results, targets, o.lengths, `turnq bench · node ${process.version} · ${cpus().length} CPUs · Redis ${version}${o.quick ? ' · quick' : ''}`));
    if (small) console.log(`\nnote: ${small}`);
    console.log(`\nbench.json: ${out}`);
    return o.failOnMiss && targets.some((t) => t.pass === false) ? 1 : 0;
  } catch (err) {
    console.error(`bench: failed: ${(err as Error).stack ?? err}`);
    return 1;
  } finally {
    await own?.stop();
  }
}

async function clusterMain(o: BenchOptions): Promise<number> {
  const log = (s: string) => console.error(`bench --cluster: ${s}`);
  const started = Date.now();
  try {
    const busyBefore = await machineBusy(1000, cpus().length);
    log(`node ${process.version}, ${cpus().length} CPUs; machine ${busyBefore === null ? '?' : Math.round(busyBefore * 100)}% busy before the run`);
    const results = await runClusterBench(o, log);
    const out = resolve(dirname(o.out), 'bench-cluster.json');
    mkdirSync(dirname(out), { recursive: true });
    const meta = { at: new Date(started).toISOString(), seconds: Math.round((Date.now() - started) / 1000), node: process.version, cpus: cpus().length, machineBusyBefore: busyBefore, quick: o.quick };
    writeFileSync(out, `${JSON.stringify({ meta, ...results }, null, 2)}\n`);
    console.log(`turnq bench --cluster · ${results.sessions} sessions · TURNQ_PARTITIONS=${results.partitions}`);
    for (const t of results.topologies) {
      console.log(`  ${t.topology.padEnd(22)} ${String(t.throughput.turnsPerSec).padStart(8)} turns/s  p50 ${t.throughput.latencyMs.p50} ms  `
        + `Redis CPU ${t.redisCpuMsPerTurn} ms/turn  master shares ${t.masterShares.map((s) => `${Math.round(s.share * 100)}%`).join(' / ')}  `
        + `other processes ${t.otherShare === null ? '?' : `${Math.round(t.otherShare * 100)}%`} of the machine`);
    }
    for (const p of results.pubsub) console.log(`  ${p.command.padEnd(9)} ${p.perSec} msg/s, Redis CPU ${p.cpuMsPer1000Total} ms per 1,000 messages (by node ${p.cpuMsPer1000ByNode.join(' / ')})`);
    console.log(`\nbench-cluster.json: ${out}`);
    return 0;
  } catch (err) {
    console.error(`bench --cluster: failed: ${(err as Error).stack ?? err}`);
    return 1;
  }
}
