import { parseArgs } from 'node:util';
import { createRedis, spawnRedis, type SpawnedRedis } from '#libs/redis';
import { httpTarget } from './bench-target';
import { costByLength } from './load-shapes';
import { deleteKeys } from './redis-stats';
import { startBenchStack, type BenchStack } from './start-bench-stack';

/**
 * `npm run bench:turn`: the gateway → reply overhead of one turn with an instant simulator, at
 * conversation lengths 10, 100 and 1000 (a session per length, `window` turns timed on each in turn,
 * nothing else running). turnq keeps a turn's work independent of the history's length, so
 * the last length must stay within 1.25× of the first; the exit code says whether it did.
 */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { lengths: { type: 'string' }, window: { type: 'string' }, 'redis-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run bench:turn -- [--lengths 10,100,1000] [--window 20] [--redis-url <url>]');
    return 0;
  }
  const lengths = (values.lengths ?? '10,100,1000').split(',').map(Number);
  const window = Number(values.window ?? 20);
  if (lengths.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(window) || window < 1) {
    console.error('bench:turn: --lengths takes positive integers separated by commas, --window a positive integer');
    return 2;
  }
  let redis: SpawnedRedis | null = null;
  let stack: BenchStack | null = null;
  try {
    const redisUrl = values['redis-url'] ?? (redis = await spawnRedis({ appendonly: true })).url;
    stack = await startBenchStack({ redisUrl });
    const target = httpTarget('turnq', stack.baseUrl, null);
    console.error(`bench:turn: one session per length (${lengths.join(', ')} turns), ${window} timed turns on each, interleaved (instant simulator)…`);
    const costs = await costByLength(target, { lengths, window });
    target.close();
    console.log('length  e2e p50   e2e p95   server p50   (ms; e2e = POST ?wait=60 until the reply, server = timings.totalMs)');
    for (const c of costs) {
      console.log(`${String(c.length).padStart(6)}  ${String(c.medianMs).padStart(7)}  ${String(c.p95Ms).padStart(8)}  ${String(c.serverMedianMs).padStart(11)}`);
    }
    const first = costs[0].medianMs ?? 0;
    const last = costs[costs.length - 1].medianMs ?? Infinity;
    const ratio = Math.round((last / first) * 100) / 100;
    const pass = ratio <= 1.25;
    console.log(`${pass ? 'PASS' : 'FAIL'}  turn ${costs[costs.length - 1].length} costs ${ratio}× turn ${costs[0].length} (target ≤ 1.25×)`);
    return pass ? 0 : 1;
  } catch (err) {
    console.error(`bench:turn: failed: ${(err as Error).stack ?? err}`);
    return 1;
  } finally {
    await stack?.stop();
    if (stack && values['redis-url']) {
      // A shared Redis keeps nothing of the run.
      const client = createRedis(values['redis-url'], 'worker');
      await deleteKeys(client, `{${stack.namespace}-*`).catch(() => 0);
      client.disconnect();
    }
    await redis?.stop();
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
