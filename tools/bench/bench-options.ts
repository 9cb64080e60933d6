import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const SECTIONS = ['tokenizer', 'raw', 'baseline', 'turnq', 'little'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  out: string;
  redisUrl: string | null;
  only: Set<Section>;
  /** Concurrent sessions tried for saturation; the best throughput counts. */
  saturationSessions: number[];
  durationMs: number;
  lengths: number[];
  window: number;
  rawJobs: number;
  memorySessions: number;
  littleSessions: number;
  llmMs: number;
  stackEnv: Record<string, string>;
  cpuProfDir: string | null;
  /** Run the turnq stack from this dist/ (another build) instead of this one's. */
  stackDist: string | null;
  /** The private redis-server without turnq's recommended settings (REDIS_TUNING): the before of a config change. */
  redisDefaults: boolean;
  /** Turns of the untimed MONITOR sample that attributes commands to scripts (0 = skip). */
  attributionTurns: number;
  failOnMiss: boolean;
  /** --cluster: single node vs 1- and 3-master Redis Cluster instead of the usual sections (cluster-bench.ts). */
  cluster: boolean;
}

export const BENCH_USAGE = `usage: turnq bench [options]   (npm run bench -- [options])

Baseline (the origin's synchronous design) vs raw BullMQ vs turnq, one run on this machine.

  --quick                  CI-sized: short windows, fewer sessions, lengths up to 400 (same sections and targets)
  --out <file>             where bench.json goes (default reports/bench.json)
  --redis-url <url>        use this Redis (default: a private redis-server with AOF, else $REDIS_URL)
  --only <list>            sections: ${SECTIONS.join(',')} (default all)
  --sessions <list>        concurrent sessions tried for saturation (default 64,256,512; quick 64)
  --duration <s>           seconds per throughput window (default 8; quick 2)
  --lengths <list>         conversation lengths for cost per turn (default 10,100,1000; quick 10,100,400)
  --window <n>             turns timed at each length (default 20; quick 3)
  --little-sessions <n>    sessions for the Little's law check (default 2000; quick 200)
  --llm-ms <ms>            simulated LLM latency for that check (default 1000)
  --memory-sessions <n>    idle sessions measured for memory (default 1000; quick 100)
  --stack-env KEY=VALUE    extra env for the turnq stack (repeatable), e.g. TURNQ_WORKER_CONCURRENCY=500;
                           long-term memory is off unless TURNQ_MEMORY=on (which also starts a memory worker)
  --stack-dist <dir>       run the turnq stack from another build's dist/ (e.g. an older commit in its own worktree)
  --redis-defaults         the private redis-server with Redis's defaults instead of turnq's recommended settings
  --attribution-turns <n>  turns of the untimed MONITOR sample naming each command's script (default 400; quick 100; 0 skips)
  --cpu-prof <dir>         run the stack's processes under node --cpu-prof, profiles written to <dir>
  --fail-on-miss           exit 1 when a target is missed (default: report only)
  --cluster                instead: turns/s and each master's share of Redis CPU on a single redis-server,
                           a 1-master and a 3-master Redis Cluster (private, TURNQ_PARTITIONS=12), and
                           PUBLISH vs SPUBLISH on the cluster; written to bench-cluster.json beside --out`;

const list = (raw: string, name: string) => raw.split(',').map((x) => {
  const n = Number(x.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected positive integers separated by commas, got ${JSON.stringify(raw)}`);
  return n;
});

function int(raw: string | undefined, def: number, name: string): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a number ≥ 0, got ${JSON.stringify(raw)}`);
  return n;
}

export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      quick: { type: 'boolean' }, out: { type: 'string' }, 'redis-url': { type: 'string' }, only: { type: 'string' },
      sessions: { type: 'string' }, duration: { type: 'string' }, lengths: { type: 'string' }, window: { type: 'string' },
      'little-sessions': { type: 'string' }, 'llm-ms': { type: 'string' }, 'memory-sessions': { type: 'string' },
      'stack-env': { type: 'string', multiple: true }, 'cpu-prof': { type: 'string' }, 'stack-dist': { type: 'string' }, 'attribution-turns': { type: 'string' }, 'redis-defaults': { type: 'boolean' }, 'fail-on-miss': { type: 'boolean' },
      cluster: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const only = new Set<Section>();
  for (const s of (values.only ?? SECTIONS.join(',')).split(',').map((x) => x.trim())) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section ${JSON.stringify(s)} (known: ${SECTIONS.join(', ')})`);
    only.add(s as Section);
  }
  const stackEnv: Record<string, string> = {};
  for (const kv of values['stack-env'] ?? []) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new Error(`--stack-env: expected KEY=VALUE, got ${JSON.stringify(kv)}`);
    stackEnv[m[1]] = m[2];
  }
  return {
    quick,
    out: values.out ?? 'reports/bench.json',
    redisUrl: values['redis-url'] ?? null,
    only,
    saturationSessions: list(values.sessions ?? (quick ? '64' : '64,256,512'), 'sessions'),
    durationMs: int(values.duration, quick ? 2 : 8, 'duration') * 1000,
    lengths: list(values.lengths ?? (quick ? '10,100,400' : '10,100,1000'), 'lengths'),
    window: int(values.window, quick ? 3 : 20, 'window'),
    rawJobs: quick ? 3000 : 20_000,
    memorySessions: int(values['memory-sessions'], quick ? 100 : 1000, 'memory-sessions'),
    littleSessions: int(values['little-sessions'], quick ? 200 : 2000, 'little-sessions'),
    llmMs: int(values['llm-ms'], 1000, 'llm-ms'),
    stackEnv,
    cpuProfDir: values['cpu-prof'] ?? null,
    stackDist: values['stack-dist'] ? resolve(values['stack-dist']) : null,
    redisDefaults: values['redis-defaults'] ?? false,
    attributionTurns: int(values['attribution-turns'], quick ? 100 : 400, 'attribution-turns'),
    failOnMiss: values['fail-on-miss'] ?? false,
    cluster: values.cluster ?? false,
  };
}
