import type { Redis } from '#libs/redis';
import { round } from '../loadtest/percentiles';
import { lineAt, type BenchTarget } from './bench-target';
import { memoryByGroup } from './redis-stats';

export interface SessionMemory {
  sessions: number;
  turnsEach: number;
  bytesPer1000: Record<string, number>;
  keysPerSession: Record<string, number>;
  /** OBJECT ENCODING counts per key type (a hash or list past Redis's listpack thresholds costs several times more). */
  encodings?: Record<string, Record<string, number>>;
  /** Bytes of the queues' own keys (events streams, completed sets, …): bounded, not per session. */
  queueKeys?: Record<string, number>;
}

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

/** The session's own keys by their segment (session-keys.ts). */
const OWN: Record<string, string> = { s: 'session', m: 'history', t: 'turns', q: 'mailbox', h: 'stateHistory', i: 'idempotency', ev: 'eventLists' };

/**
 * turnq's Redis memory per 1,000 idle sessions: MEMORY USAGE of every key the measured sessions own,
 * found by SCAN over the namespace and grouped by key type: the session's own keys (record, history,
 * turns, mailbox, state history, idempotency), its turns' SSE event lists and the finished BullMQ jobs
 * (and their logs) still kept. The queues' own keys are reported apart: their size is bounded, not per session.
 */
export async function turnqMemory(redis: Redis, namespace: string, target: BenchTarget, o: { sessions: number; turns: number }): Promise<SessionMemory> {
  const ids = new Set(await idleSessions(target, o.sessions, o.turns));
  const group = (key: string): string | null => {
    const own = /^\{[^}]+\}:([smtqhi]|ev):(ses_[0-9A-Za-z]{20})/.exec(key);
    if (own) return ids.has(own[2]) ? OWN[own[1]] : null;
    const job = /:(intent|response|summary):(?:turn-trn_|summary-ses_)([0-9A-Za-z]{20})/.exec(key);
    return job && ids.has(`ses_${job[2]}`) ? `${job[1]}Jobs` : null;
  };
  const { bytes, keys, encodings } = await memoryByGroup(redis, `{${namespace}-*}:*`, group);
  const queues = await memoryByGroup(redis, `{${namespace}-*}:*`, (key) => {
    const m = /^\{[^}]+\}:(intent|response|summary):([a-z-]+)$/.exec(key);
    return m ? `${m[1]} ${m[2]}` : null;
  });
  return { sessions: ids.size, turnsEach: o.turns, bytesPer1000: per1000(bytes, ids.size), keysPerSession: perSession(keys, ids.size), encodings, queueKeys: queues.bytes };
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
