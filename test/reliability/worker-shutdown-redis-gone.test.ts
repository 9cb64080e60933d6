import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnRedis, type SpawnedRedis } from '../../libs/redis/spawn-redis';
import { SHUTDOWN_CLOSE_MS } from '../../libs/runtime/run-worker-service';
import { until } from '../support';

const ROOT = join(__dirname, '..', '..');

/**
 * A worker told to stop while its Redis is gone still stops: within TURNQ_SHUTDOWN_GRACE_MS plus the
 * closing allowance, and at once (exit 1) on a second signal. Each test
 * has its own redis-server, killed with SIGKILL; the reconciler runs every 100 ms so that a pass is
 * waiting on the dead Redis when SIGTERM comes (before the fix, shutdown waited for that pass).
 */
describe('a worker stopped while Redis is gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turnq-shutdown-'));
  let redis: SpawnedRedis | null = null;
  let worker: ChildProcess | null = null;
  afterEach(async () => {
    worker?.kill('SIGKILL');
    redis?.process.kill('SIGKILL');
    if (redis) rmSync(redis.dir, { recursive: true, force: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function startWorker(graceMs: number): Promise<{ child: ChildProcess; log: () => string; exit: Promise<number | null> }> {
    redis = await spawnRedis({ appendonly: false });
    const metricsPort = await freePort();
    const logFile = join(dir, `response-worker-${metricsPort}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'services', 'response-worker', 'main.js')], {
      stdio: ['ignore', out, out],
      env: {
        ...process.env, REDIS_URL: redis.url, TURNQ_NAMESPACE: `sd${metricsPort}`, METRICS_PORT: String(metricsPort),
        OPENAI_API_KEY: 'turnq-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', LOG_LEVEL: 'info',
        TURNQ_SHUTDOWN_GRACE_MS: String(graceMs), TURNQ_RECONCILE_INTERVAL_MS: '100',
      },
    });
    worker = child;
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const log = () => readFileSync(logFile, 'utf8');
    await until('the worker to be healthy', async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok, 60_000);
    redis.process.kill('SIGKILL');
    await until('the worker to see Redis gone', () => log().includes('redis connection error'));
    return { child, log, exit };
  }

  it('exits within the grace period plus the closing allowance', async () => {
    const graceMs = 1000;
    const { child, log, exit } = await startWorker(graceMs);
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await exit;
    const tookMs = Date.now() - t0;
    // 1 when the deadline ended it (a reconciler pass was waiting on Redis), 0 when closing finished first
    expect([0, 1]).toContain(code);
    // the deadline itself, plus a process exit on a busy box
    expect(tookMs).toBeLessThan(graceMs + SHUTDOWN_CLOSE_MS + 3000);
    expect(log()).toContain('draining');
    expect(log()).not.toContain('Unhandled');
  }, 60_000);

  it('exits at once on a second SIGTERM while draining', async () => {
    const { child, log, exit } = await startWorker(120_000);
    child.kill('SIGTERM');
    await until('the worker to start draining', () => log().includes('"msg":"draining"'));
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exit).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(log()).toContain('second signal while draining');
  }, 60_000);
});
