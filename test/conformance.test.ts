import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../libs/redis/spawn-redis';

const SUITE = join(__dirname, '..', '..', 'shared', 'conformance', 'run.mjs');

/**
 * The public conformance suite against `npm start` (dist/scripts/start.js), with auth on and two
 * tenants so the isolation checks run too. The suite lives beside the checkout (../shared).
 */
(existsSync(SUITE) ? describe : describe.skip)('conformance suite against npm start', () => {
  let stack: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    stack = spawn(process.execPath, [join(__dirname, '..', 'dist', 'scripts', 'start.js')], {
      env: {
        ...process.env, PORT: String(port), LLM_SIM_PORT: String(await freePort()), TURNQ_NAMESPACE: `c${Date.now().toString(36)}`,
        TURNQ_API_KEYS: 'conf-key-a=tenant-a,conf-key-b=tenant-b', LOG_LEVEL: 'warn', OPENAI_API_KEY: '', OPENAI_BASE_URL: '',
        METRICS_PORT: '0',
      },
      stdio: 'ignore',
    });
    const end = Date.now() + 30_000;
    for (;;) {
      try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break; } catch { /* starting */ }
      if (Date.now() > end) throw new Error('npm start did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 40_000);
  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      const exited = new Promise((r) => stack.once('exit', r));
      stack.kill('SIGTERM');
      await exited;
    }
  });

  it('passes every check', async () => {
    const out: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const run = spawn(process.execPath, [SUITE, '--base', `http://127.0.0.1:${port}`], {
        env: { ...process.env, TURNQ_CONFORMANCE_KEY: 'conf-key-a', TURNQ_CONFORMANCE_OTHER_KEY: 'conf-key-b' },
      });
      run.stdout.on('data', (d) => out.push(String(d)));
      run.stderr.on('data', (d) => out.push(String(d)));
      run.on('exit', resolve);
      setTimeout(() => run.kill('SIGKILL'), 100_000).unref();
    });
    const text = out.join('');
    expect(text.split('\n').filter((l) => l.startsWith('FAIL') || l.startsWith('skip'))).toEqual([]);
    expect(text).toMatch(/\d+ passed, 0 failed, 0 skipped/);
    expect(code).toBe(0);
  }, 120_000);
});
