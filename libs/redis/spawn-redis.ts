import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

/** A private redis-server on a free loopback port, for tests and for `npm start` when none answers. */
export interface SpawnedRedis {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * The Redis settings turnq recommends besides the defaults (README "Redis"): small hashes stay listpacks
 * up to values of 512 bytes instead of 64, so a short session's turn record (inputs, usage, context)
 * takes about half the memory (docs/performance.md, Change 6). Passed as redis-server arguments here and
 * in docker-compose.yml; `CONFIG SET` or redis.conf elsewhere.
 */
export const REDIS_TUNING = ['--hash-max-listpack-value', '512'] as const;

/** Starts redis-server with the append-only file on (the production setting) in a temp dir. */
export async function spawnRedis(opts: { port?: number; dir?: string; appendonly?: boolean; tuning?: boolean } = {}): Promise<SpawnedRedis> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'turnq-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', opts.appendonly === false ? 'no' : 'yes', '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction', ...(opts.tuning === false ? [] : REDIS_TUNING)];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const started = Date.now();
  while (!(await pingRedis(url, 200))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (Date.now() - started > 10_000) throw new Error('redis-server did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, dir, process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
