import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Summarises the V8 CPU profiles `turnq bench --cpu-prof <dir>` writes (one per stack process): how
 * busy each process was and where its CPU went, by category. Each sample is charged to the nearest
 * frame (leaf upwards) that belongs to a known library, so a socket write lands on the client that
 * issued it (ioredis, undici) rather than on node's internals. Run:
 *   node dist/tools/bench/profile-summary.js <dir>
 */
interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const CATEGORIES: Array<[string, RegExp]> = [
  ['LLM client (openai SDK, fetch/undici, web streams)', /node_modules\/openai\/|deps\/undici|internal\/webstreams|internal\/abort_controller/],
  ['BullMQ', /node_modules\/bullmq\//],
  ['Redis client (ioredis)', /node_modules\/ioredis\/|node_modules\/@ioredis\//],
  ['tokenizer (gpt-tokenizer)', /node_modules\/gpt-tokenizer\//],
  ['context building (libs/context)', /dist\/libs\/context\//],
  ['HTTP server (express, router, body parsing)', /node_modules\/(express|router|body-parser|raw-body|finalhandler|send|serve-static)\/|_http_server|_http_incoming|_http_outgoing/],
  ['validation (zod)', /node_modules\/zod\//],
  ['logging and metrics (pino, prom-client)', /node_modules\/(pino|prom-client|thread-stream|sonic-boom)\//],
  ['turnq code', /dist\/(libs|services)\//],
];

export function summarizeProfile(p: Profile): { busyMs: number; totalMs: number; byCategory: Record<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const charged = new Map<number, string>();
  const categoryOf = (leaf: number): string => {
    const cached = charged.get(leaf);
    if (cached) return cached;
    const name = byId.get(leaf)!.callFrame.functionName;
    let result = name === '(garbage collector)' ? 'garbage collection' : name === '(idle)' ? 'idle' : 'other (node internals, native)';
    if (result.startsWith('other')) {
      for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
        const hit = CATEGORIES.find(([, re]) => re.test(byId.get(id!)!.callFrame.url));
        if (hit) { result = hit[0]; break; }
      }
    }
    charged.set(leaf, result);
    return result;
  };
  const ms: Record<string, number> = {};
  let total = 0;
  p.samples.forEach((leaf, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const c = categoryOf(leaf);
    ms[c] = (ms[c] ?? 0) + dt;
  });
  const busy = total - (ms.idle ?? 0);
  delete ms.idle;
  const byCategory = Object.fromEntries(Object.entries(ms).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / busy) * 1000) / 10]));
  return { busyMs: Math.round(busy), totalMs: Math.round(total), byCategory };
}

export function main(argv: string[]): number {
  const dir = argv[0];
  if (!dir) { console.error('usage: node dist/tools/bench/profile-summary.js <dir with .cpuprofile files>'); return 2; }
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    const s = summarizeProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile);
    console.log(`${f}: busy ${(s.busyMs / 1000).toFixed(1)} s of ${(s.totalMs / 1000).toFixed(1)} s`);
    for (const [k, v] of Object.entries(s.byCategory)) if (v >= 1) console.log(`  ${String(v).padStart(5)}%  ${k}`);
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
