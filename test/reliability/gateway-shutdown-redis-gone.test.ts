import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnRedis, type SpawnedRedis } from '../../libs/redis/spawn-redis';
import { until } from '../support';

const ROOT = join(__dirname, '..', '..');

/**
 * A gateway told to stop while its Redis is gone still stops, at once and cleanly (exit 0): closing
 * its queues and connections never waits for a Redis that is not there. Its own redis-server, killed
 * with SIGKILL.
 */
describe('a gateway stopped while Redis is gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turnq-gw-shutdown-'));
  let redis: SpawnedRedis | null = null;
  let gateway: ChildProcess | null = null;
  afterAll(() => {
    gateway?.kill('SIGKILL');
    redis?.process.kill('SIGKILL');
    if (redis) rmSync(redis.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 within the connection-closing allowance, and answers 503 until then', async () => {
    redis = await spawnRedis({ appendonly: false });
    const port = await freePort();
    const logFile = join(dir, `gateway-${port}.log`);
    const out = openSync(logFile, 'a');
    gateway = spawn(process.execPath, [join(ROOT, 'dist', 'services', 'gateway', 'main.js')], {
      stdio: ['ignore', out, out],
      env: { ...process.env, REDIS_URL: redis.url, PORT: String(port), TURNQ_NAMESPACE: `gs${port}`, LOG_LEVEL: 'info', TURNQ_SHUTDOWN_GRACE_MS: '30000' },
    });
    const exit = new Promise<number | null>((r) => gateway!.once('exit', (code) => r(code)));
    const log = () => readFileSync(logFile, 'utf8');
    const base = `http://127.0.0.1:${port}`;
    await until('the gateway to be ready', async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok, 60_000);
    redis.process.kill('SIGKILL');
    await until('the gateway to see Redis gone', () => log().includes('redis connection error'));
    expect((await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(503);

    const t0 = Date.now();
    gateway.kill('SIGTERM');
    expect(await exit).toBe(0);
    // the gateway's own bound on open connections is 10 s; with none open it has nothing to wait for
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(log()).toContain('shutting down');
    expect(log()).not.toContain('Unhandled');
  }, 90_000);
});
