import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../libs/redis/spawn-redis';

/**
 * A whole turnq stack of real processes (the built `dist/`), on the test Redis with its own namespace:
 * the simulator, the gateway and any number of each worker. Tests kill and restart processes with
 * real signals through it. Logs go to files in `logDir` (printed on failure by `logs()`).
 */
export type ServiceName = 'gateway' | 'intent-worker' | 'response-worker' | 'summary-worker' | 'memory-worker' | 'llm-sim';

export interface StackOptions {
  /** Processes per worker service; the memory worker only runs when asked for (default 0). */
  workers?: Partial<Record<'intent-worker' | 'response-worker' | 'summary-worker' | 'memory-worker', number>>;
  /** Env for every process (TURNQ_*, LLM_SIM_*). */
  env?: Record<string, string>;
  /** Env per service, on top of `env`. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** false: no simulator (the caller points OPENAI_BASE_URL elsewhere). */
  simulator?: boolean;
  /** TURNQ_NAMESPACE (default: a fresh random one). */
  namespace?: string;
}

export interface RunningProcess { service: ServiceName; index: number; child: ChildProcess; env: NodeJS.ProcessEnv; metricsPort: number | null }

export interface Stack {
  baseUrl: string;
  simUrl: string;
  namespace: string;
  logDir: string;
  processes: RunningProcess[];
  of(service: ServiceName): RunningProcess[];
  kill(p: RunningProcess, signal: NodeJS.Signals): Promise<number | null>;
  restart(p: RunningProcess): Promise<RunningProcess>;
  start(service: ServiceName, extraEnv?: Record<string, string>): Promise<RunningProcess>;
  logs(): string;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const namespace = opts.namespace ?? `t${Math.random().toString(36).slice(2, 10)}`;
  const logDir = mkdtempSync(join(tmpdir(), `turnq-stack-${namespace}-`));
  const gatewayPort = await freePort();
  const simPort = await freePort();
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: process.env.REDIS_URL,
    TURNQ_NAMESPACE: namespace,
    OPENAI_BASE_URL: `http://127.0.0.1:${simPort}/v1`,
    OPENAI_API_KEY: 'turnq-test',
    LLM_SIM_PORT: String(simPort),
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    ...opts.env,
  };
  const processes: RunningProcess[] = [];
  const counters = new Map<ServiceName, number>();

  async function start(service: ServiceName, extraEnv: Record<string, string> = {}): Promise<RunningProcess> {
    const index = counters.get(service) ?? 0;
    counters.set(service, index + 1);
    const metricsPort = service === 'gateway' || service === 'llm-sim' ? null : await freePort();
    const env: NodeJS.ProcessEnv = {
      ...common, ...opts.serviceEnv?.[service], ...extraEnv,
      PORT: String(gatewayPort),
      ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}),
    };
    return launch({ service, index, env, metricsPort });
  }

  async function launch(spec: Omit<RunningProcess, 'child'>): Promise<RunningProcess> {
    const out = openSync(join(logDir, `${spec.service}-${spec.index}.log`), 'a');
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'services', spec.service, 'main.js')], { env: spec.env, stdio: ['ignore', out, out] });
    const p: RunningProcess = { ...spec, child };
    processes.push(p);
    await waitReady(p, spec.service === 'gateway' ? `http://127.0.0.1:${gatewayPort}/readyz`
      : spec.service === 'llm-sim' ? `http://127.0.0.1:${simPort}/healthz` : `http://127.0.0.1:${spec.metricsPort}/healthz`);
    return p;
  }

  async function kill(p: RunningProcess, signal: NodeJS.Signals): Promise<number | null> {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
    const exited = new Promise<number | null>((r) => p.child.once('exit', (code) => r(code)));
    p.child.kill(signal);
    return exited;
  }

  try {
    if (opts.simulator !== false) await start('llm-sim');
    for (const [service, n] of Object.entries({ 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 1, ...opts.workers })) {
      for (let i = 0; i < n; i++) await start(service as ServiceName);
    }
    await start('gateway');
  } catch (err) {
    // the caller gets no Stack to stop: the processes already started must not outlive the test
    await Promise.all(processes.map((p) => kill(p, 'SIGKILL')));
    throw err;
  }

  return {
    baseUrl: `http://127.0.0.1:${gatewayPort}`,
    simUrl: `http://127.0.0.1:${simPort}`,
    namespace, logDir, processes,
    of: (service) => processes.filter((p) => p.service === service && p.child.exitCode === null && p.child.signalCode === null),
    kill,
    restart: async (p) => { await kill(p, 'SIGKILL'); return launch({ service: p.service, index: p.index, env: p.env, metricsPort: p.metricsPort }); },
    start,
    logs: () => processes.map((p) => `== ${p.service}-${p.index}\n${tail(join(logDir, `${p.service}-${p.index}.log`))}`).join('\n'),
    async stop() {
      await Promise.all(processes.map((p) => kill(p, 'SIGKILL')));
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}

// generous: on a loaded 2-core box a process took over 20 s to listen
async function waitReady(p: RunningProcess, url: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (p.child.exitCode !== null) throw new Error(`${p.service} exited with ${p.child.exitCode} before it was ready`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${p.service} was not ready at ${url} within ${ms} ms`);
}

