import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#libs/redis';

export interface BenchStackOptions {
  redisUrl: string;
  /** REDIS_CLUSTER_NODES: run the stack on this Redis Cluster instead (redisUrl is then ignored). */
  redisClusterNodes?: string;
  /** Extra env for every process (TURNQ_*, LLM_SIM_*), on top of the bench's defaults. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile per process here (`node --cpu-prof`); written when the stack stops. */
  cpuProfDir?: string;
  /** Another build's dist/ to run the stack from (an older commit built in its own worktree): before/after in one harness. */
  dist?: string;
}

export interface BenchStack {
  baseUrl: string;
  simUrl: string;
  namespace: string;
  logDir: string;
  /** The dist/ directory the services run from. */
  dist: string;
  /** The running processes by service name (for CPU accounting). */
  processes(): Array<{ name: string; pid: number | undefined }>;
  /** Changes the simulator's knobs at run time (POST /_sim/config). */
  setSim(knobs: Record<string, number>): Promise<void>;
  /** SIGTERM to every process (so CPU profiles get written), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

const SERVICES = ['llm-sim', 'intent-worker', 'response-worker', 'summary-worker', 'gateway'] as const;
/** Long-term memory is off in the bench unless `--stack-env TURNQ_MEMORY=on`, which also starts a memory worker. */
const MEMORY_SERVICE = 'memory-worker';
const DIST = join(__dirname, '..', '..');

/**
 * A private turnq stack for the benchmark: the built services (dist/services/<name>/main.js) as real
 * processes with a fresh TURNQ_NAMESPACE on free ports, the simulator instant by default. Same approach
 * as the test harness (test/start-stack.ts), kept separate because tools must not depend on test code.
 * Long-term memory is off by default, so every run (and an older build's, through `dist`) measures the
 * same turn: with it on, each turn of a session with a user adds an embedding call, a memory job and an
 * extraction call — measured on their own by scripts/bench-memory-retrieval.ts, or here with
 * `--stack-env TURNQ_MEMORY=on`, which then runs a memory worker too (without one its jobs would pile up).
 */
export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const dist = o.dist ?? DIST;
  const namespace = `bench-${Math.random().toString(36).slice(2, 8)}`;
  const logDir = mkdtempSync(join(tmpdir(), `turnq-${namespace}-`));
  const [gatewayPort, simPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: o.redisUrl,
    ...(o.redisClusterNodes ? { REDIS_CLUSTER_NODES: o.redisClusterNodes } : {}),
    TURNQ_NAMESPACE: namespace,
    OPENAI_BASE_URL: `http://127.0.0.1:${simPort}/v1`,
    OPENAI_API_KEY: 'turnq-bench',
    LLM_SIM_PORT: String(simPort),
    LLM_SIM_LATENCY_MS: '0',
    LLM_SIM_TOKENS_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(gatewayPort),
    TURNQ_API_KEYS: '',
    TURNQ_MEMORY: 'off',
    ...o.env,
  };
  const services: string[] = [...SERVICES];
  if (env.TURNQ_MEMORY === 'on') services.splice(services.indexOf('gateway'), 0, MEMORY_SERVICE);
  const children: ChildProcess[] = [];
  const names: string[] = [];
  const stack: BenchStack = {
    baseUrl: `http://127.0.0.1:${gatewayPort}`,
    simUrl: `http://127.0.0.1:${simPort}`,
    namespace, logDir, dist,
    processes: () => children.map((c, i) => ({ name: names[i], pid: c.pid })),
    async setSim(knobs) {
      const res = await fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
      if (!res.ok) throw new Error(`simulator refused ${JSON.stringify(knobs)}: ${res.status} ${await res.text()}`);
    },
    async stop() {
      await Promise.all(children.map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        const force = setTimeout(() => c.kill('SIGKILL'), 10_000);
        c.once('exit', () => { clearTimeout(force); resolve(); });
        c.kill('SIGTERM');
      })));
    },
  };
  try {
    for (const service of services) {
      const metricsPort = service === 'gateway' || service === 'llm-sim' ? null : await freePort();
      const out = openSync(join(logDir, `${service}.log`), 'a');
      const flags = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`, `--cpu-prof-name=${service}.cpuprofile`] : [];
      const child = spawn(process.execPath, [...flags, join(dist, 'services', service, 'main.js')], {
        env: { ...env, ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}) }, stdio: ['ignore', out, out],
      });
      children.push(child);
      names.push(service);
      const url = service === 'gateway' ? `${stack.baseUrl}/readyz` : service === 'llm-sim' ? `${stack.simUrl}/healthz` : `http://127.0.0.1:${metricsPort}/healthz`;
      await waitReady(child, service, url, logDir);
    }
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

async function waitReady(child: ChildProcess, service: string, url: string, logDir: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) {
      throw new Error(`${service} exited with ${child.exitCode} before it was ready:\n${readFileSync(join(logDir, `${service}.log`), 'utf8').slice(-2000)}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${service} was not ready at ${url} within ${ms} ms (logs in ${logDir})`);
}
