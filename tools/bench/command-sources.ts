import { createHash } from 'node:crypto';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { round } from '../loadtest/percentiles';

/**
 * Per turn, who made Redis work: each script by name (turnq's session scripts, BullMQ's) with the
 * commands it ran inside, and the commands clients sent directly. INFO commandstats counts a command
 * run inside a script like any other, so it says what ran but not who asked for it; MONITOR names
 * both, at a cost that rules it out of the timed runs (so this is a separate, untimed sample).
 */
export interface CommandSources {
  turns: number;
  /** Commands per turn, all sources (script calls themselves included, as commandstats counts them). */
  perTurn: number;
  /** Per source: script calls per turn and the commands per turn run inside them (or sent directly). */
  bySource: Record<string, { calls: number; inner: Record<string, number>; commands: number }>;
  /** Commands per turn of turnq's own scripts, of BullMQ's scripts, and sent directly (outside any script). */
  totals: { turnqScripts: number; bullmqScripts: number; direct: number };
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** SHA1 → script name for turnq's session scripts (of the build that runs the stack) and BullMQ's. */
export function scriptNames(stackDist: string): Map<string, string> {
  const names = new Map<string, string>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const turnq = require(join(stackDist, 'libs', 'session', 'session-scripts.js')) as Record<string, unknown>;
  for (const [name, lua] of Object.entries(turnq)) if (typeof lua === 'string') names.set(sha1(lua), `turnq ${name}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bull = require('bullmq/dist/cjs/scripts') as Record<string, { name: string; content: string }>;
  for (const s of Object.values(bull)) if (s && typeof s.content === 'string') names.set(sha1(s.content), `bullmq ${s.name}`);
  return names;
}

/**
 * Runs `drive` (which returns the turns it completed) with MONITOR on a connection of its own to
 * `redisUrl` (a single node: MONITOR is a node's command). Redis 7 feeds a script call to monitors
 * before the calls it makes, which show as source "lua" and, the script being atomic, follow it with
 * nothing in between.
 */
export async function attributeCommands(redisUrl: string, names: Map<string, string>, drive: () => Promise<number>): Promise<CommandSources> {
  const counts = new Map<string, { calls: number; inner: Map<string, number> }>();
  const slot = (source: string) => {
    let c = counts.get(source);
    if (!c) counts.set(source, (c = { calls: 0, inner: new Map() }));
    return c;
  };
  let current = slot('direct');
  // Not `redis.monitor()`: when other clients are busy, Redis's first feed lines can arrive in the same
  // read as MONITOR's OK, before ioredis has switched the connection to monitoring; it then emits a
  // "Command queue state error" per line, and with no listener yet that killed the bench. Here the
  // listener is there before the connection is, and those few lines (before `drive` starts) are dropped.
  const mon = new IORedis(redisUrl, { monitor: true, lazyConnect: true, maxRetriesPerRequest: null });
  mon.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    mon.once('monitoring', () => resolve());
    mon.connect().catch(reject);
  });
  let on = true;
  mon.on('monitor', (_time: string, args: string[], source: string) => {
    if (!on) return;
    const cmd = String(args[0]).toLowerCase();
    if (source === 'lua') {
      current.inner.set(cmd, (current.inner.get(cmd) ?? 0) + 1);
      return;
    }
    if (cmd === 'evalsha' || cmd === 'eval') {
      const sha = cmd === 'eval' ? sha1(String(args[1])) : String(args[1]);
      current = slot(names.get(sha) ?? `unknown script ${sha.slice(0, 8)}`);
      current.calls++;
      return;
    }
    const direct = slot('direct');
    direct.inner.set(cmd, (direct.inner.get(cmd) ?? 0) + 1);
    current = direct;
  });
  let turns: number;
  try {
    turns = await drive();
    // MONITOR lines arrive a little after the commands: let the tail in before counting.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    on = false;
    mon.disconnect();
  }
  const per = (n: number) => round(n / Math.max(1, turns), 2);
  const bySource: CommandSources['bySource'] = {};
  const totals = { turnqScripts: 0, bullmqScripts: 0, direct: 0 };
  for (const [source, c] of [...counts].sort((a, b) => sum(b[1]) - sum(a[1]))) {
    const n = sum(c);
    if (!n) continue;
    bySource[source] = {
      calls: per(c.calls),
      inner: Object.fromEntries([...c.inner].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, per(v)])),
      commands: per(n),
    };
    if (source.startsWith('turnq ')) totals.turnqScripts += n;
    else if (source.startsWith('bullmq ')) totals.bullmqScripts += n;
    else totals.direct += n;
  }
  return {
    turns, perTurn: per(totals.turnqScripts + totals.bullmqScripts + totals.direct), bySource,
    totals: { turnqScripts: per(totals.turnqScripts), bullmqScripts: per(totals.bullmqScripts), direct: per(totals.direct) },
  };
}

/** A script call counts as one command (as in commandstats), plus what it ran. */
function sum(c: { calls: number; inner: Map<string, number> }): number {
  let n = c.calls;
  for (const v of c.inner.values()) n += v;
  return n;
}
