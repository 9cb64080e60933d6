import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../libs/redis/spawn-redis';
import { isFree } from '../../scripts/pick-ports';
import { client } from '../http-client';

const START = join(__dirname, '..', '..', 'dist', 'scripts', 'start.js');

interface Started { child: ChildProcess; out: () => string; banner: string }

/** Every stack started, so a failed test still stops them all. */
const all: Started[] = [];

/** `npm start` as the README tells it: only PORT and TURNQ_NAMESPACE set, on the test Redis, with the simulator. */
function npmStart(env: Record<string, string>): Promise<Started> {
  const clean = { ...process.env };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'METRICS_PORT', 'LLM_SIM_PORT', 'TURNQ_API_KEYS', 'TURNQ_SIMULATOR_URL']) delete clean[k];
  const child = spawn(process.execPath, [START], { env: { ...clean, LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '4000', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 100_000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited ${code}:\n${out}`)); });
    const poll = setInterval(() => {
      const m = /turnq is up at[\s\S]*?\nTry:/.exec(out);
      if (!m) return;
      const started = { child, out: () => out, banner: m[0] };
      clearInterval(poll);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      all.push(started);
      resolve(started);
    }, 50);
  });
}

const stop = (s: Started | undefined) => new Promise<number | null>((resolve) => {
  if (!s || s.child.exitCode !== null) return resolve(s?.child.exitCode ?? null);
  s.child.once('exit', (code) => resolve(code));
  s.child.kill('SIGTERM');
});

describe('npm start, twice on one machine and one Redis', () => {
  let a: Started | undefined;
  let b: Started | undefined;
  afterEach(async () => { await Promise.all(all.splice(0).map(stop)); });

  it('runs a second stack with another PORT and TURNQ_NAMESPACE; each banner says where its metrics are', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    a = await npmStart({ PORT: String(portA), TURNQ_NAMESPACE: 'start-a' });
    b = await npmStart({ PORT: String(portB), TURNQ_NAMESPACE: 'start-b' });
    const urls = (s: Started) => [...s.banner.matchAll(/^\s+(\S+)\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)$/gm)].map((m) => ({ service: m[1], url: m[2] }));
    const [ma, mb] = [urls(a), urls(b)];
    expect(ma.map((m) => m.service)).toEqual(['gateway', 'intent-worker', 'response-worker', 'summary-worker', 'memory-worker']);
    expect(mb.map((m) => m.service)).toEqual(ma.map((m) => m.service));
    // no port twice across both stacks, and each answers with its own service's metrics
    expect(new Set([...ma, ...mb].map((m) => m.url)).size).toBe(10);
    for (const m of [...ma, ...mb]) {
      const text = await (await fetch(m.url)).text();
      expect(text).toContain(`service="${m.service}"`);
    }
    expect(a.banner).toContain('namespace start-a');
    expect(a.out()).not.toContain('did not become ready');
    // every service logs ISO times, the simulator included
    const simLog = JSON.parse(a.out().split('\n').find((l) => l.includes('"name":"llm-sim"'))!);
    expect(simLog.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const sims = [a, b].map((s) => /Simulator: (\S+)/.exec(s.banner)![1]);
    expect(sims[0]).not.toBe(sims[1]);

    // both serve turns, each in its own namespace
    for (const [s, port] of [[a, portA], [b, portB]] as const) {
      const c = client(`http://127.0.0.1:${port}`);
      const { id } = await c.session();
      const r = await c.submit(id, '안녕하세요! 처음 뵙겠습니다.', '?wait=30');
      expect(r.json.status).toBe('completed');
      expect((await client(`http://127.0.0.1:${port === portA ? portB : portA}`).http('GET', `/v1/sessions/${id}`)).status).toBe(404);
      expect(s.out()).not.toContain('EADDRINUSE');
    }
    // each worker logs the concurrency it really runs with (the response worker has its own setting)
    const started = (service: string) => JSON.parse(a!.out().split('\n').find((l) => l.includes(`"msg":"${service} started"`))!);
    expect(started('response-worker')).toMatchObject({ concurrency: 4000, perPartition: 4000, partitions: 1 });
    expect(started('intent-worker')).toMatchObject({ concurrency: 500, perPartition: 500, partitions: 1 });
    expect(await stop(a)).toBe(0);
    expect(await stop(b)).toBe(0);
  }, 240_000);

  it('gives the workers METRICS_PORT, +1, +2 and +3 when METRICS_PORT is set, instead of one port to all of them', async () => {
    // four free ports in a row, below the kernel's ephemeral range: a port in that range can be handed to
    // any connection or listen(0) on the machine (this stack's own PORT included) before the worker binds it
    const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    let base = 0;
    do base = 10_000 + Math.floor(Math.random() * (ephemeralLow - 10_010));
    while (!(await Promise.all([0, 1, 2, 3].map((i) => isFree(base + i)))).every(Boolean));
    a = await npmStart({ PORT: String(await freePort()), TURNQ_NAMESPACE: 'start-c', METRICS_PORT: String(base), LLM_SIM_PORT: '0' });
    for (const [i, service] of ['intent-worker', 'response-worker', 'summary-worker', 'memory-worker'].entries()) {
      expect(a.banner).toMatch(new RegExp(`${service}\\s+http://127\\.0\\.0\\.1:${base + i}/metrics`));
      expect(await (await fetch(`http://127.0.0.1:${base + i}/metrics`)).text()).toContain(`service="${service}"`);
    }
    expect(await stop(a)).toBe(0);
  }, 240_000);
});
