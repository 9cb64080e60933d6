/**
 * What memory retrieval adds to a turn's response stage: one SNAPSHOT round trip plus the exact ranking
 * in the worker, for a user at the cap: with no copy (every vector travels), with the worker's copy one
 * write behind, and with its copy current.
 * Run: `npm run build && node dist/scripts/bench-memory-retrieval.js [memories=500] [dims=1536] [rounds=2000]`.
 * Uses a private redis-server (so nothing else on the machine shares it). Results go to docs/performance.md.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createMemoryCache, createMemoryStore, normalized, rankMemories } from '#libs/memory';
import { createRedis, spawnRedis } from '#libs/redis';

const [memories = 500, dims = 1536, rounds = 2000] = process.argv.slice(2).map(Number);

function randomUnit(): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.random() * 2 - 1;
  return normalized(v);
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main(): Promise<void> {
  const server = await spawnRedis();
  const redis = createRedis(server.url, 'worker');
  try {
    const store = createMemoryStore({ redis, namespace: 'bench', partitions: 1, maxPerUser: memories });
    for (let i = 0; i < memories; i++) {
      await store.add('tenant', 'user', { text: `memory number ${i}: the user said something worth keeping about topic ${i % 37}`, kind: i % 5 === 0 ? 'profile' : 'fact', vector: randomUnit() });
    }
    const bytes = await redis.memory('USAGE', store.keysOf('tenant', 'user')[2]);
    const cache = createMemoryCache(store, 256 * 1024 * 1024);
    await cache.get('tenant', 'user');
    const cold: number[] = [];
    const changed: number[] = [];
    for (let r = 0; r < 300; r++) {
      let t0 = performance.now();
      await store.snapshot('tenant', 'user');
      cold.push(performance.now() - t0);
      // the common write between two turns of a user: one memory added (and so one evicted at the cap)
      await store.add('tenant', 'user', { text: `a new memory ${r}`, kind: 'fact', vector: randomUnit() });
      t0 = performance.now();
      await cache.get('tenant', 'user');
      changed.push(performance.now() - t0);
    }
    const read: number[] = [];
    const rank: number[] = [];
    const total: number[] = [];
    let cpu = process.cpuUsage();
    for (let r = 0; r < rounds + 100; r++) {
      if (r === 100) cpu = process.cpuUsage();
      const query = randomUnit();
      const t0 = performance.now();
      const snap = await cache.get('tenant', 'user');
      const t1 = performance.now();
      const ranked = rankMemories(query, snap.memories, Date.now());
      const t2 = performance.now();
      if (snap.memories.length !== memories || ranked.length > memories) throw new Error('snapshot incomplete');
      if (r >= 100) { read.push(t1 - t0); rank.push(t2 - t1); total.push(t2 - t0); } // the first 100 warm the JIT
    }
    const used = process.cpuUsage(cpu);
    for (const xs of [cold, changed, read, rank, total]) xs.sort((a, b) => a - b);
    const row = (name: string, xs: number[]) => `| ${name} | ${pct(xs, 50).toFixed(2)} | ${pct(xs, 95).toFixed(2)} | ${pct(xs, 99).toFixed(2)} | ${xs[xs.length - 1].toFixed(2)} |`;
    console.log(`node ${process.version}, ${memories} memories x ${dims} dims, ${rounds} rounds; vectors hash ${(Number(bytes) / 1024 / 1024).toFixed(2)} MiB in Redis`);
    console.log('| step | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|');
    console.log(row('full read, no copy (300 rounds)', cold));
    console.log(row('copy current but 1 memory written since (300 rounds)', changed));
    console.log(row('copy current (the usual turn)', read));
    console.log(row('rank (exact cosine + kind + recency)', rank));
    console.log(row('retrieval total', total));
    // wall times on a shared box include waiting for a core; CPU per retrieval does not
    console.log(`CPU per retrieval (copy current, this process): ${((used.user + used.system) / 1000 / rounds).toFixed(2)} ms; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

void main();
