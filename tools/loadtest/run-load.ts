import { dialogueOf, lineOf } from './dialogues';
import type { FollowMode, TurnRecord } from './turn-record';
import type { TurnqClient } from './turnq-client';

export interface LoadPlan {
  users: number;
  turns: number;
  thinkMs: number;
  /** Turns per second, open loop; 0 = closed loop (each user waits for its turn, then thinks). */
  rate: number;
  /** Stop starting turns after this long; 0 = until every user has had its turns. */
  durationMs: number;
  /** Most turns in flight at once; 0 = no cap. */
  concurrency: number;
  follow: FollowMode | 'mix';
}

export interface LoadResult { sessions: Array<{ user: number; sessionId: string }>; turns: TurnRecord[]; sessionErrors: string[] }

export interface LoadHooks { clock: () => number; onTurn(rec: TurnRecord): void }

/**
 * Drives the plan against the client. Closed loop: every user runs its script turn by turn with a
 * jittered think time. Open loop: turns arrive at `rate` regardless of answers, round-robin over the
 * users (so one session may have several turns queued — the mailbox is part of what is measured). A
 * turn that waits for a concurrency slot keeps its due time, so client-side lag shows in `sentMs - dueMs`.
 */
export async function runLoad(plan: LoadPlan, client: TurnqClient, hooks: LoadHooks): Promise<LoadResult> {
  const result: LoadResult = { sessions: [], turns: [], sessionErrors: [] };
  const slots = semaphore(plan.concurrency);
  let stopAt = plan.durationMs > 0 ? hooks.clock() + plan.durationMs : Infinity;
  const followOf = (user: number): FollowMode => (plan.follow === 'mix' ? (user % 2 === 0 ? 'sse' : 'wait') : plan.follow);
  const next = new Array<number>(plan.users).fill(0);

  const sessionOf = async (user: number): Promise<string | null> => {
    const s = await client.createSession(`loadtest-user-${user}`);
    if (typeof s !== 'string') { result.sessionErrors.push(s.error); return null; }
    result.sessions.push({ user, sessionId: s });
    return s;
  };

  const turn = async (user: number, sessionId: string, dueMs: number): Promise<void> => {
    const d = dialogueOf(user);
    const rec: TurnRecord = {
      user, sessionId, lang: d.lang, follow: followOf(user), input: lineOf(d, next[user]++), dueMs, sentMs: dueMs,
      acceptedMs: null, firstDeltaMs: null, endedMs: null, httpStatus: null, turnId: null, seq: null, status: null, error: null,
      intent: null, usage: null, context: null, timings: null, startedAt: null, completedAt: null, response: null,
    };
    result.turns.push(rec);
    await slots.run(() => client.runTurn(rec));
    hooks.onTurn(rec);
  };

  if (plan.rate <= 0) {
    await Promise.all(Array.from({ length: plan.users }, async (_, user) => {
      await sleep(Math.random() * Math.min(plan.thinkMs, 1000)); // spread the first turns instead of a thundering herd
      const sessionId = await sessionOf(user);
      if (!sessionId) return;
      for (let i = 0; i < plan.turns && hooks.clock() < stopAt; i++) {
        if (i > 0 && plan.thinkMs > 0) await sleep(plan.thinkMs * (0.5 + Math.random()));
        if (hooks.clock() >= stopAt) break;
        await turn(user, sessionId, hooks.clock());
      }
    }));
    return result;
  }

  // Open loop: sessions first, then a clock that does not wait for answers.
  const ids = await mapLimit(plan.users, 32, sessionOf);
  const live = ids.flatMap((id, user) => (id ? [{ user, id }] : []));
  const inflight: Array<Promise<void>> = [];
  const total = live.length * plan.turns;
  const t0 = hooks.clock();
  if (plan.durationMs > 0) stopAt = t0 + plan.durationMs; // the clock starts once the sessions exist
  for (let k = 0; k < total; k++) {
    const due = t0 + (k * 1000) / plan.rate;
    if (due >= stopAt) break;
    // A timer may fire up to a millisecond before its time by performance.now(); sleeping until the
    // clock has really passed `due` keeps client lag (sentMs - dueMs) from going negative.
    for (let wait = due - hooks.clock(); wait > 0; wait = due - hooks.clock()) await sleep(Math.ceil(wait));
    const u = live[k % live.length];
    inflight.push(turn(u.user, u.id, due));
  }
  await Promise.all(inflight);
  return result;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function semaphore(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      // A released slot passes straight to the next waiter, so a newcomer can never squeeze past the cap.
      if (limit > 0 && active >= limit) await new Promise<void>((r) => waiting.push(r));
      else active++;
      try {
        return await fn();
      } finally {
        const nextWaiter = waiting.shift();
        if (nextWaiter) nextWaiter();
        else active--;
      }
    },
  };
}

async function mapLimit<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (i < n) { const k = i++; out[k] = await fn(k); }
  }));
  return out;
}
