import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnedCluster } from '#libs/redis';
import { partitionOf } from '#libs/session';
import { client } from '../http-client';
import { namespaceOnEveryMaster, partitionMasters, startCluster } from '../start-cluster';
import { startStack, type Stack } from '../start-stack';

const SUITE = join(__dirname, '..', '..', '..', 'shared', 'conformance', 'run.mjs');
const PARTITIONS = 12;
const KEY = 'cluster-key-a';

/**
 * A whole stack of real processes on a real Redis Cluster (3 masters, 3 replicas) through
 * REDIS_CLUSTER_NODES, with TURNQ_PARTITIONS=12 spread over every master, 2 intent and 3 response
 * workers, and TURNQ_WAIT_REPLICAS=1: the per-session order test and the conformance suite.
 */
describe('turnq on a Redis Cluster', () => {
  let cluster: SpawnedCluster;
  let stack: Stack;

  beforeAll(async () => {
    cluster = await startCluster();
    const namespace = await namespaceOnEveryMaster(cluster, PARTITIONS);
    stack = await startStack({
      namespace,
      workers: { 'intent-worker': 2, 'response-worker': 3, 'summary-worker': 1 },
      env: {
        REDIS_CLUSTER_NODES: cluster.seeds, TURNQ_PARTITIONS: String(PARTITIONS), TURNQ_WAIT_REPLICAS: '1', TURNQ_WAIT_TIMEOUT_MS: '2000',
        TURNQ_API_KEYS: `${KEY}=tenant-a,cluster-key-b=tenant-b`,
        LLM_SIM_LATENCY_MS: '5', LLM_SIM_LATENCY_JITTER_MS: '40', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_WORKER_CONCURRENCY: '20', TURNQ_MAX_PENDING_TURNS: '50',
      },
    });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
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
});
