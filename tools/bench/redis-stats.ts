import type { Redis } from '#libs/redis';

export type CommandCounts = Map<string, number>;

/** Calls per command from INFO commandstats (commands run inside Lua scripts are counted too). */
export async function commandCounts(redis: Redis): Promise<CommandCounts> {
  const info = await redis.info('commandstats');
  const out: CommandCounts = new Map();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

export interface CommandsPerTurn { turns: number; perTurn: number; top: Record<string, number> }

/** Commands per turn between two snapshots, with the commands that make up most of it. */
export function commandsPerTurn(before: CommandCounts, after: CommandCounts, turns: number): CommandsPerTurn {
  const delta: Array<[string, number]> = [];
  for (const [cmd, n] of after) {
    const d = n - (before.get(cmd) ?? 0);
    // INFO itself and the bench's own snapshots are not part of a turn.
    if (d > 0 && cmd !== 'info') delta.push([cmd, d]);
  }
  delta.sort((a, b) => b[1] - a[1]);
  const total = delta.reduce((s, [, d]) => s + d, 0);
  const per = (d: number) => Math.round((d / Math.max(1, turns)) * 100) / 100;
  return { turns, perTurn: per(total), top: Object.fromEntries(delta.slice(0, 12).map(([c, d]) => [c, per(d)])) };
}

/** MEMORY USAGE (exact: SAMPLES 0) of every key matching `pattern`, grouped by `group(key)`; null groups are skipped. */
export async function memoryByGroup(redis: Redis, pattern: string, group: (key: string) => string | null): Promise<{ bytes: Record<string, number>; keys: Record<string, number> }> {
  const bytes: Record<string, number> = {};
  const keys: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const mine = batch.flatMap((k) => { const g = group(k); return g ? [[k, g] as const] : []; });
    if (!mine.length) continue;
    const pipe = redis.pipeline();
    for (const [k] of mine) pipe.memory('USAGE', k, 'SAMPLES', 0);
    const res = (await pipe.exec()) ?? [];
    mine.forEach(([, g], i) => {
      bytes[g] = (bytes[g] ?? 0) + Number(res[i]?.[1] ?? 0);
      keys[g] = (keys[g] ?? 0) + 1;
    });
  } while (cursor !== '0');
  return { bytes, keys };
}

/** Removes every key matching `pattern` (SCAN + UNLINK): what a run on a shared Redis leaves behind. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (batch.length) n += await redis.unlink(...batch);
  } while (cursor !== '0');
  return n;
}
