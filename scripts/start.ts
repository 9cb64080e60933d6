import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pingRedis, spawnRedis, type SpawnedRedis } from '#libs/redis';
import { pickPorts } from './pick-ports';

/**
 * `npm start`: the whole stack in one command for a newcomer. Uses REDIS_URL when something answers
 * there, else starts a private redis-server (append-only file in ./.turnq-data) and says so; starts the
 * LLM simulator when no OPENAI_API_KEY / OPENAI_BASE_URL is set, loudly. Each worker gets its own
 * metrics port (pick-ports.ts), so a second stack with another PORT and TURNQ_NAMESPACE starts beside
 * the first; the banner says where everything is.
 */
const SERVICES = ['gateway', 'intent-worker', 'response-worker', 'summary-worker', 'memory-worker'] as const;

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const simulator = !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL;
  const ports = await pickPorts(SERVICES.filter((s) => s !== 'gateway'), env, simulator).catch((err: Error) => {
    console.error(`turnq: ${err.message}`);
    return process.exit(1);
  });
  if (ports.simulator !== null) env.LLM_SIM_PORT = String(ports.simulator);
  let privateRedis: SpawnedRedis | null = null;
  if (env.REDIS_CLUSTER_NODES?.trim()) {
    console.log(`turnq: using the Redis Cluster at ${env.REDIS_CLUSTER_NODES.replace(/\/\/[^@/,]*@/g, '//')}`);
  } else if (!(await pingRedis(redisUrl))) {
    const dir = join(process.cwd(), '.turnq-data');
    mkdirSync(dir, { recursive: true });
    try {
      // On the default URL's port, so the next `npm start` (another PORT and TURNQ_NAMESPACE) finds and shares it.
      privateRedis = await spawnRedis({ dir, port: env.REDIS_URL ? undefined : 6379 });
    } catch (err) {
      console.error(`turnq: nothing answers at ${redisUrl} and no redis-server could be started (${(err as Error).message}).`);
      console.error('turnq: install Redis (e.g. apt-get install redis-server) or set REDIS_URL.');
      process.exit(1);
    }
    env.REDIS_URL = privateRedis.url;
    console.log(`turnq: nothing answered at ${redisUrl}; started a private redis-server at ${privateRedis.url} (data in ${dir})`);
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const run = (service: string) => {
    const metricsPort = ports.metrics[service];
    const child = spawn(process.execPath, [join(__dirname, '..', 'services', service, 'main.js')],
      { env: metricsPort === undefined ? env : { ...env, METRICS_PORT: String(metricsPort) }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`turnq: ${service} exited (${signal ?? code}); stopping everything`);
        void stop(1);
      }
    });
    children.push(child);
  };

  if (simulator) {
    console.log('turnq: OPENAI_API_KEY is not set — replies come from the built-in LLM SIMULATOR (canned text, not a model).');
    run('llm-sim');
  }
  for (const s of SERVICES) run(s);

  const port = env.PORT ?? '3000';
  const base = `http://127.0.0.1:${port}`;
  // The banner promises every metrics URL it prints, so it waits for the workers too.
  await Promise.all([`${base}/readyz`, ...Object.values(ports.metrics).map((p) => `http://127.0.0.1:${p}/healthz`)].map((u) => waitFor(u, 60_000)));
  const auth = env.TURNQ_API_KEYS ? ' -H "Authorization: Bearer <your key>"' : '';
  const metrics = Object.entries(ports.metrics).map(([s, p]) => `  ${s.padEnd(16)} http://127.0.0.1:${p}/metrics`).join('\n');
  console.log(`\nturnq is up at ${base} (namespace ${env.TURNQ_NAMESPACE ?? 'turnq'}); playground: ${base}/  API reference: ${base}/docs\nMetrics:\n  ${'gateway'.padEnd(16)} ${base}/metrics\n${metrics}` +
    (ports.simulator !== null ? `\nSimulator: http://127.0.0.1:${ports.simulator}/v1` : '') + `\nTry:\n  SID=$(curl -s -XPOST ${base}/v1/sessions${auth} | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')\n` +
    `  curl -s -XPOST "${base}/v1/sessions/$SID/turns?wait=30"${auth} -H 'content-type: application/json' -d '{"content":"안녕하세요! 처음 뵙겠습니다."}'\n`);

  async function stop(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((c) => new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r(undefined);
      c.once('exit', r);
      c.kill('SIGTERM');
    })));
    await privateRedis?.stop();
    process.exit(code);
  }
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`turnq: ${url} did not become ready within ${ms / 1000} s`);
}

void main();
