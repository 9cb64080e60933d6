import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnedCluster } from '#libs/redis';
import { partitionOf } from '#libs/session';
import { client } from '../http-client';
import { CLUSTER_PARTITIONS as PARTITIONS, partitionMasters, startClusterStack, type ClusterStack } from '../start-cluster';
import type { Stack } from '../start-stack';
import { failoverUnderLoad } from './failover-under-load';

const SUITE = join(__dirname, '..', '..', '..', 'shared', 'conformance', 'run.mjs');
const KEY = 'cluster-key-a';

/**
 * A whole stack of real processes on a real Redis Cluster (3 masters, 3 replicas) through
 * REDIS_CLUSTER_NODES, with TURNQ_PARTITIONS=12 spread over every master, 2 intent and 3 response
 * workers, and TURNQ_WAIT_REPLICAS=1: the per-session order test, the conformance suite, and last (it
 * kills a master) the reduced form of the failover test; failover.test.ts is its full form.
 */
describe('turnq on a Redis Cluster', () => {
  let c: ClusterStack;
  let cluster: SpawnedCluster;
  let stack: Stack;

  beforeAll(async () => {
    c = await startClusterStack({
      workers: { 'intent-worker': 2, 'response-worker': 3, 'summary-worker': 1 },
      env: { TURNQ_API_KEYS: `${KEY}=tenant-a,cluster-key-b=tenant-b`, TURNQ_WORKER_CONCURRENCY: '20', TURNQ_MAX_PENDING_TURNS: '50' },
    });
    ({ cluster, stack } = c);
  }, 300_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('logs that it runs in cluster mode', () => {
    const log = readFileSync(join(stack.logDir, 'gateway-0.log'), 'utf8');
    expect(log).toMatch(/"redisMode":"cluster"/);
    expect(readFileSync(join(stack.logDir, 'response-worker-0.log'), 'utf8')).toMatch(/"redisMode":"cluster"/);
  });

  it('keeps per-session order across worker processes with sessions on every master', async () => {
    const api = client(stack.baseUrl, KEY);
    const masterOf = await partitionMasters(cluster, stack.namespace, PARTITIONS);
    const sessions = await Promise.all(Array.from({ length: 24 }, () => api.session()));
    expect(new Set(sessions.map((s) => masterOf[partitionOf(s.id, PARTITIONS)])).size).toBe(3);

    const TURNS = 5;
    const submitted = await Promise.all(sessions.map(async (s, si) => {
      const turns = [];
      for (let i = 0; i < TURNS; i++) {
        const r = await api.submit(s.id, `session ${si} turn ${i + 1}: explain hash slots`);
        expect(r.status).toBe(202);
        turns.push(r.json);
      }
      return { id: s.id, turns };
    }));
    for (const s of submitted) {
      const ended = [];
      for (const t of s.turns) ended.push(await api.waitTurn(t.turnId, 120_000));
      expect(ended.map((t) => t.status)).toEqual(Array(TURNS).fill('completed'));
      expect(ended.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5]);
      for (let i = 1; i < ended.length; i++) expect(Date.parse(ended[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(ended[i - 1].completedAt));
      const msgs = await api.messages(s.id);
      expect(msgs.map((m) => m.turnId)).toEqual(s.turns.flatMap((t) => [t.turnId, t.turnId]));
    }
  }, 180_000);

  (existsSync(SUITE) ? it : it.skip)('passes the conformance suite', async () => {
    const out: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const run = spawn(process.execPath, [SUITE, '--base', stack.baseUrl], {
        env: { ...process.env, TURNQ_CONFORMANCE_KEY: KEY, TURNQ_CONFORMANCE_OTHER_KEY: 'cluster-key-b' },
      });
      run.stdout.on('data', (d) => out.push(String(d)));
      run.stderr.on('data', (d) => out.push(String(d)));
      run.on('exit', resolve);
      setTimeout(() => run.kill('SIGKILL'), 150_000).unref();
    });
    const text = out.join('');
    expect(text.split('\n').filter((l) => l.startsWith('FAIL') || l.startsWith('skip'))).toEqual([]);
    expect(text).toMatch(/\d+ passed, 0 failed, 0 skipped/);
    expect(code).toBe(0);
  }, 180_000);

  it('fails over under load (reduced form): no acknowledged turn lost, 503 + Retry-After on the failed shard only', async () => {
    console.log(await failoverUnderLoad(c, { sessions: 6, turns: 2, key: KEY }));
  }, 600_000);
});
