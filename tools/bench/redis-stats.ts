import type { Redis } from '#libs/redis';

export type CommandCounts = Map<string, number>;

/** Calls per command from INFO commandstats (commands run inside Lua scripts are counted too). */
export async function commandCounts(redis: Redis): Promise<CommandCounts> {
  const info = await redis.info('commandstats');
  const out: CommandCounts = new Map();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

/**
 * Microseconds redis-server spent running scripts so far (INFO commandstats usec of EVALSHA and EVAL;
 * the commands a script runs are inside its time). It leaves out the event loop, socket I/O and the
 * cron, but it is wall time: on a machine so busy that redis-server is preempted inside a script it
 * counts the wait too (this session's box showed 4–8 ms per turn), so read it beside the CPU.
 */
export async function scriptMicros(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let us = 0;
  for (const m of info.matchAll(/^cmdstat_(evalsha|eval|evalsha_ro|eval_ro):calls=\d+,usec=(\d+)/gm)) us += Number(m[2]);
  return us;
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

/** redis-server's own CPU seconds so far (INFO CPU: user + system, all its threads): works on any Redis, not only a local one. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (f: string) => Number(new RegExp(`^${f}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

/**
 * MEMORY USAGE (exact: SAMPLES 0) of every key matching `pattern`, grouped by `group(key)`; null groups
 * are skipped. `encodings`: the OBJECT ENCODINGs seen per group (listpack vs hashtable decides most of a
 * small key's size).
 */
export async function memoryByGroup(redis: Redis, pattern: string, group: (key: string) => string | null):
  Promise<{ bytes: Record<string, number>; keys: Record<string, number>; encodings: Record<string, Record<string, number>> }> {
  const bytes: Record<string, number> = {};
  const keys: Record<string, number> = {};
  const encodings: Record<string, Record<string, number>> = {};
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const mine = batch.flatMap((k) => { const g = group(k); return g ? [[k, g] as const] : []; });
    if (!mine.length) continue;
    const pipe = redis.pipeline();
    for (const [k] of mine) pipe.memory('USAGE', k, 'SAMPLES', 0).object('ENCODING', k);
    const res = (await pipe.exec()) ?? [];
    mine.forEach(([, g], i) => {
      bytes[g] = (bytes[g] ?? 0) + Number(res[2 * i]?.[1] ?? 0);
      keys[g] = (keys[g] ?? 0) + 1;
      const enc = String(res[2 * i + 1]?.[1] ?? '?');
      encodings[g] = { ...encodings[g], [enc]: (encodings[g]?.[enc] ?? 0) + 1 };
    });
  } while (cursor !== '0');
  return { bytes, keys, encodings };
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
