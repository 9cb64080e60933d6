import { cpus } from 'node:os';
import { createRedis, spawnCluster, spawnRedis, type Redis } from '#libs/redis';
import type { BenchOptions } from './bench-options';
import { httpTarget } from './bench-target';
import { saturate, type Throughput } from './load-shapes';
import { sampleCpu, type CpuSample } from './process-cpu';
import { startBenchStack } from './start-bench-stack';

/** Partitions in every topology, so the runs differ only in where the partitions live. */
const PARTITIONS = 12;

export interface TopologyResult {
  topology: string;
  masters: number;
  throughput: Throughput;
  /** Redis CPU (all masters) per turn, and each master's share of it. */
  redisCpuMsPerTurn: number;
  masterShares: Array<{ port: number; share: number }>;
  /** The share of the machine other processes took meanwhile (a busy shared box caps every number). */
  otherShare: number | null;
}

export interface PubSubCost { command: 'PUBLISH' | 'SPUBLISH'; messages: number; perSec: number; cpuMsPer1000ByNode: number[]; cpuMsPer1000Total: number }

export interface ClusterBenchResults { partitions: number; sessions: number; topologies: TopologyResult[]; pubsub: PubSubCost[] }

/**
 * `turnq bench --cluster`: the same saturation run (closed loop, instant simulator) against a single
 * redis-server, a 1-master and a 3-master Redis Cluster (no replicas: they would only add CPU to a small
 * box), TURNQ_PARTITIONS=12 in each; turns/s, Redis CPU per turn and each master's share. Then the cost
 * of a classic PUBLISH against a sharded SPUBLISH on the 3-master cluster.
 */
export async function runClusterBench(o: BenchOptions, log: (s: string) => void): Promise<ClusterBenchResults> {
  const sessions = Math.max(...o.saturationSessions);
  const topologies: TopologyResult[] = [];
  let pubsub: PubSubCost[] = [];
  for (const masters of [0, 1, 3]) {
    const name = masters === 0 ? 'single redis-server' : `cluster, ${masters} master${masters > 1 ? 's' : ''}`;
    const single = masters === 0 ? await spawnRedis({ appendonly: true }) : null;
    const cluster = masters > 0 ? await spawnCluster({ masters, replicasPerMaster: 0 }) : null;
    try {
      const redisProcs = single ? [{ name: String(single.port), pid: single.process.pid }] : cluster!.nodes.map((n) => ({ name: String(n.port), pid: n.process.pid }));
      const stack = await startBenchStack({
        redisUrl: single?.url ?? 'redis://127.0.0.1:6379', redisClusterNodes: cluster?.seeds,
        env: { TURNQ_PARTITIONS: String(PARTITIONS), ...o.stackEnv },
      });
      const target = httpTarget('turnq', stack.baseUrl, null);
      try {
        await saturate(target, { sessions, warmupMs: 300, durationMs: 1000 }); // connections, scripts loaded everywhere
        const before = sampleCpu(redisProcs);
        const t = await saturate(target, { sessions, warmupMs: Math.max(500, o.durationMs / 4), durationMs: o.durationMs });
        const after = sampleCpu(redisProcs);
        const r = redisShares(before, after, redisProcs.map((p) => p.name), t.allTurns, cpus().length);
        topologies.push({ topology: name, masters: Math.max(1, masters), throughput: t, ...r });
        log(`${name}: ${t.turnsPerSec} turns/s with ${sessions} sessions (p50 ${t.latencyMs.p50} ms, ${t.errors} errors); Redis CPU ${r.redisCpuMsPerTurn} ms/turn, `
          + `shares ${r.masterShares.map((s) => `${Math.round(s.share * 100)}%`).join(' / ')}; others took ${r.otherShare === null ? '?' : Math.round(r.otherShare * 100)}% of the machine`);
      } finally {
        target.close();
        await stack.stop();
      }
      if (masters === 3) {
        pubsub = await measurePubSub(cluster!, o.quick ? 5000 : 20_000);
        for (const p of pubsub) log(`${p.command}: ${p.perSec} msg/s, Redis CPU ${p.cpuMsPer1000Total} ms per 1,000 (by node ${p.cpuMsPer1000ByNode.join(' / ')})`);
      }
    } finally {
      await single?.stop();
      await cluster?.stop();
    }
  }
  return { partitions: PARTITIONS, sessions, topologies, pubsub };
}

function redisShares(a: CpuSample, b: CpuSample, names: string[], turns: number, cores: number) {
  const used = names.map((n) => (b.seconds.get(n) ?? 0) - (a.seconds.get(n) ?? 0));
  const total = used.reduce((s, x) => s + x, 0);
  const wall = (b.at - a.at) / 1000;
  const mine = [...b.seconds].reduce((s, [n, v]) => s + v - (a.seconds.get(n) ?? v), 0);
  const machine = a.machineSeconds === null || b.machineSeconds === null ? null : b.machineSeconds - a.machineSeconds;
  return {
    redisCpuMsPerTurn: Math.round((total * 1000 * 100) / Math.max(1, turns)) / 100,
    // masters only: a node with no slots (none here, no replicas) would show 0
    masterShares: names.map((n, i) => ({ port: Number(n), share: total > 0 ? Math.round((used[i] / total) * 1000) / 1000 : 0 })),
    otherShare: machine === null ? null : Math.max(0, Math.round(((machine - mine) / (wall * cores)) * 100) / 100),
  };
}

/**
 * The same messages to one channel, pipelined, once with PUBLISH and once with SPUBLISH, no subscriber:
 * a cluster forwards every PUBLISH over its bus to every node; an SPUBLISH stays on its shard.
 */
export async function measurePubSub(cluster: Awaited<ReturnType<typeof spawnCluster>>, messages: number): Promise<PubSubCost[]> {
  const redis: Redis = createRedis({ redisUrl: 'redis://unused', redisClusterNodes: cluster.seeds.split(',') }, 'worker');
  const procs = cluster.nodes.map((n) => ({ name: String(n.port), pid: n.process.pid }));
  const out: PubSubCost[] = [];
  try {
    await redis.set('{bench}:warm', '1');
    for (const command of ['PUBLISH', 'SPUBLISH'] as const) {
      const payload = 'x'.repeat(200);
      const before = sampleCpu(procs);
      const t0 = performance.now();
      for (let i = 0; i < messages; i += 200) {
        const p = redis.pipeline();
        for (let j = 0; j < 200; j++) p.call(command, '{bench}:events', payload);
        await p.exec();
      }
      const seconds = (performance.now() - t0) / 1000;
      // a PUBLISH reaches the other nodes over the cluster bus after the reply: let them finish
      await new Promise((r) => setTimeout(r, 500));
      const after = sampleCpu(procs);
      const byNode = procs.map((p) => Math.round((((after.seconds.get(p.name) ?? 0) - (before.seconds.get(p.name) ?? 0)) * 1000 * 1000 * 10) / messages) / 10);
      out.push({ command, messages, perSec: Math.round(messages / seconds), cpuMsPer1000ByNode: byNode, cpuMsPer1000Total: Math.round(byNode.reduce((s, x) => s + x, 0) * 10) / 10 });
    }
  } finally {
    redis.disconnect();
  }
  return out;
}
