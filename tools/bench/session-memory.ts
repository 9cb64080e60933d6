import type { Redis } from '#libs/redis';
import { round } from '../loadtest/percentiles';
import { lineAt, type BenchTarget } from './bench-target';
import { memoryByGroup } from './redis-stats';

export interface SessionMemory { sessions: number; turnsEach: number; bytesPer1000: Record<string, number>; keysPerSession: Record<string, number> }

/** Creates `sessions` sessions and gives each `turns` turns (64 sessions at a time), then leaves them idle. */
async function idleSessions(target: BenchTarget, sessions: number, turns: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(64, sessions) }, async () => {
    while (next < sessions) {
      next++;
      const sid = await target.newSession();
      for (let t = 0; t < turns; t++) {
        const r = await target.turn(sid, lineAt(t));
        if (!r.ok) throw new Error(`${target.name}: memory setup turn failed (${r.error})`);
      }
      ids.push(sid);
    }
  }));
  return ids;
}

const per1000 = (bytes: Record<string, number>, n: number) => {
  const out: Record<string, number> = {};
  for (const [g, b] of Object.entries(bytes)) out[g] = Math.round((b / n) * 1000);
  out.total = Math.round((Object.values(bytes).reduce((s, b) => s + b, 0) / n) * 1000);
  return out;
};

/**
 * turnq's Redis memory per 1,000 idle sessions: MEMORY USAGE of every key the measured sessions own,
 * found by SCAN over the namespace and grouped as the session's own keys (record, history, turns,
 * mailbox, state history, idempotency), its turns' SSE event lists (kept until the session expires)
 * and the finished BullMQ jobs kept by removeOnComplete.
 */
export async function turnqMemory(redis: Redis, namespace: string, target: BenchTarget, o: { sessions: number; turns: number }): Promise<SessionMemory> {
  const ids = new Set(await idleSessions(target, o.sessions, o.turns));
  const group = (key: string): string | null => {
    const own = /^\{[^}]+\}:([smtqhi]|ev):(ses_[0-9A-Za-z]{20})/.exec(key);
    if (own) return ids.has(own[2]) ? (own[1] === 'ev' ? 'eventLists' : 'sessionKeys') : null;
    const job = /:(?:turn-trn_|summary-ses_)([0-9A-Za-z]{20})/.exec(key);
    return job && ids.has(`ses_${job[1]}`) ? 'finishedJobs' : null;
  };
  const { bytes, keys } = await memoryByGroup(redis, `{${namespace}-*}:*`, group);
  return { sessions: ids.size, turnsEach: o.turns, bytesPer1000: per1000(bytes, ids.size), keysPerSession: perSession(keys, ids.size) };
}

/** The baseline's: one JSON value per session. */
export async function baselineMemory(redis: Redis, keyOf: (sid: string) => string, target: BenchTarget, o: { sessions: number; turns: number }): Promise<SessionMemory> {
  const ids = await idleSessions(target, o.sessions, o.turns);
  const keys = new Set(ids.map(keyOf));
  const prefix = keyOf('');
  const { bytes, keys: counted } = await memoryByGroup(redis, `${prefix}*`, (k) => (keys.has(k) ? 'sessionJson' : null));
  return { sessions: ids.length, turnsEach: o.turns, bytesPer1000: per1000(bytes, ids.length), keysPerSession: perSession(counted, ids.length) };
}

function perSession(keys: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(keys).map(([g, k]) => [g, round(k / n)]));
}
