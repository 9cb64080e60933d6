import type { Redis } from '#libs/redis';
import { decodeEvent, decodeMessage, decodeSession, decodeTurn } from './decode';
import { isSessionId, newRequestId, newSessionId, parseMessageId, parseTurnId } from './ids';
import { replayTurn } from './replay-turn';
import { bindScripts, type RetryOptions, type ScriptClient } from './session-scripts-client';
import { turnRecord } from './record-fields';
import { sessionKeys, type SessionKeys } from './session-keys';
import type { Message, Session, StreamEvent, Turn } from './session-types';

export interface StoreOptions {
  redis: Redis; namespace: string; partitions: number; ttlSeconds: number;
  /** How long a script whose reply was lost is re-run (session-scripts-client.ts); defaults there. */
  retry?: RetryOptions;
  /** The longest a submit takes, answer or error (SUBMIT_DEADLINE_MS by default). */
  submitDeadlineMs?: number;
}
export interface NewSession { userId?: string; systemPrompt?: string; metadata?: Record<string, string>; memory?: boolean }
export interface TurnRef { sessionId: string; seq: number; turnId: string; partition: number }

export type SubmitResult =
  | { kind: 'created'; turn: Turn; dispatch: TurnRef | null }
  | { kind: 'duplicate'; turn: Turn }
  | { kind: 'not_found' }
  | { kind: 'conflict'; turnId: string }
  | { kind: 'too_many'; pending: number }
  | { kind: 'late' };

export type CancelResult = { kind: 'cancelled'; turn: Turn; next: TurnRef | null; totalMs: number } | { kind: 'not_found' } | { kind: 'conflict'; turn: Turn };

/**
 * The last event a follower of a turn that no longer exists gets (not part of the turn's stream, so
 * id 0): its session was deleted or expired. DELETE announces the same on the turn's channel.
 */
export const GONE: StreamEvent = { id: 0, type: 'gone', data: '{"reason":"session_gone","message":"the session of this turn was deleted or has expired"}' };

const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

/**
 * A submit ends within this, stored or not: while the master of the session's slot is gone (a
 * failover) the cluster client keeps the command until the slot has a master again, so without a
 * bound the caller would wait the whole failover.
 */
const SUBMIT_DEADLINE_MS = 4000;
/**
 * How far Redis's clock may lag the caller's without a late run storing a turn after the caller gave
 * up: SUBMIT refuses to store after `deadline - LATE_GRACE_MS` on Redis's clock, the caller gives up at
 * `deadline` on its own.
 */
const LATE_GRACE_MS = 1000;

/** The gateway's view of sessions: every read and write a route needs, each one script or one round trip. */
export function createSessionStore(opts: StoreOptions) {
  const { redis, namespace, partitions, ttlSeconds } = opts;
  const scripts = bindScripts(redis, opts.retry);
  const keysOf = (sid: string): SessionKeys => sessionKeys(namespace, partitions, sid);
  const args = (sid: string) => {
    const k = keysOf(sid);
    return [...k.scriptKeys, ttlSeconds, sid, k.eventPrefix] as Array<string | number>;
  };
  const refOf = (sessionId: string, seq: number): TurnRef => ({
    sessionId, seq, turnId: `trn_${sessionId.slice(4)}_${seq}`, partition: keysOf(sessionId).partition,
  });

  async function getTurn(tenant: string, turnId: string, via: ScriptClient = scripts): Promise<Turn | null> {
    const p = parseTurnId(turnId);
    if (!p) return null;
    const r = await via.readTurn(...args(p.sessionId), tenant, p.seq);
    return r[0] === 'ok' ? decodeTurn(p.sessionId, p.seq, turnRecord(r[1] as string[])) : null;
  }

  return {
    keysOf,
    refOf,

    /** One script (CREATE): the new id doubles as the request id, so a lost reply never leaves a second session. */
    async create(tenant: string, input: NewSession): Promise<Session> {
      const id = newSessionId();
      const fields = [
        'id', id, 'tenant', tenant, 'state', 'greeting', 'mc', 0, 'tt', 0, 'seq', 0,
        'user', input.userId ?? '', 'sp', input.systemPrompt ?? '', 'md', JSON.stringify(input.metadata ?? {}),
        ...(input.memory === false ? ['mem', 0] : []),
      ];
      const now = Number(await scripts.create(...args(id), ...fields));
      return decodeSession([...fields, 'ca', now, 'la', now].map(String), 0, [], ttlSeconds);
    },

    async get(tenant: string, sessionId: string): Promise<Session | null> {
      if (!isSessionId(sessionId)) return null;
      const r = await scripts.readSession(...args(sessionId), tenant);
      if (r[0] !== 'ok') return null;
      return decodeSession(r[1] as string[], Number(r[2]), r[3] as string[], ttlSeconds);
    },

    async remove(tenant: string, sessionId: string): Promise<boolean> {
      if (!isSessionId(sessionId)) return false;
      return Number(await scripts.remove(...args(sessionId), tenant)) === 1;
    },

    async messages(tenant: string, sessionId: string, page: { limit: number; before?: string }):
      Promise<{ messages: Message[]; nextBefore: string | null } | 'not_found' | 'bad_before'> {
      if (!isSessionId(sessionId)) return 'not_found';
      let before = 0;
      if (page.before !== undefined) {
        const pos = parseMessageId(sessionId, page.before);
        if (pos === null) return (await this.get(tenant, sessionId)) ? 'bad_before' : 'not_found';
        before = pos;
      }
      const r = await scripts.readMessages(...args(sessionId), tenant, page.limit, before);
      if (r[0] === 'nf') return 'not_found';
      if (r[0] === 'bad') return 'bad_before';
      const start = Number(r[1]);
      const covers = Number(r[2]);
      const messages = (r.slice(3) as string[]).map((raw, i) => decodeMessage(sessionId, start + i + 1, raw, covers));
      return { messages, nextBefore: start > 0 && messages.length ? messages[0].id : null };
    },

    /**
     * `replyTo`: a pub/sub channel that hears the new turn's end, with the ended turn's fields (see
     * SUBMIT), for a caller that waits. Ends within `submitDeadlineMs`: an answer, or the error of the
     * last attempt (Redis unavailable, a 503). A turn is then either stored and known to whoever retries
     * with the same Idempotency-Key, or never stored: a run still queued in the client when the deadline
     * passes is refused by SUBMIT ({kind: 'late'} when its answer still comes in time).
     */
    async submit(tenant: string, sessionId: string, turn: { content: string; idempotencyKey?: string; maxPending: number; replyTo?: string }): Promise<SubmitResult> {
      if (!isSessionId(sessionId)) return { kind: 'not_found' };
      const until = Date.now() + (opts.submitDeadlineMs ?? SUBMIT_DEADLINE_MS);
      const bounded = scripts.within(until);
      const r = await bounded.submit(...args(sessionId), tenant, turn.content, turn.idempotencyKey ?? '', turn.maxPending, IDEMPOTENCY_WINDOW_MS,
        turn.replyTo ?? '', newRequestId(), until - LATE_GRACE_MS);
      switch (r[0]) {
        case 'nf': return { kind: 'not_found' };
        case 'late': return { kind: 'late' };
        case 'full': return { kind: 'too_many', pending: Number(r[1]) };
        case 'conflict': return { kind: 'conflict', turnId: refOf(sessionId, Number(r[1])).turnId };
        case 'dup': {
          const existing = await getTurn(tenant, refOf(sessionId, Number(r[1])).turnId, bounded);
          return existing ? { kind: 'duplicate', turn: existing } : { kind: 'not_found' };
        }
        default: {
          const seq = Number(r[1]);
          const dispatch = Number(r[2]) ? refOf(sessionId, Number(r[2])) : null;
          if (Number(r[4]) === 1) {
            // a re-run after a lost reply: the first run created the turn, which may have moved on since
            const created = await getTurn(tenant, refOf(sessionId, seq).turnId, bounded);
            return created ? { kind: 'created', turn: created, dispatch } : { kind: 'not_found' };
          }
          // The new turn is fully known here: no second round trip to read it back.
          return { kind: 'created', turn: decodeTurn(sessionId, seq, { st: 'queued', in: turn.content, ca: String(r[3]) }), dispatch };
        }
      }
    },

    getTurn,

    /** A turn from the record fields its end announced on a reply channel (see SUBMIT): no read needed. */
    turnFromFields(turnId: string, fields: string[]): Turn | null {
      const p = parseTurnId(turnId);
      return p ? decodeTurn(p.sessionId, p.seq, turnRecord(fields)) : null;
    },

    async cancel(tenant: string, turnId: string): Promise<CancelResult> {
      const p = parseTurnId(turnId);
      if (!p) return { kind: 'not_found' };
      const r = await scripts.cancel(...args(p.sessionId), tenant, p.seq, newRequestId());
      if (r[0] === 'nf') return { kind: 'not_found' };
      const turn = await getTurn(tenant, turnId);
      if (!turn) return { kind: 'not_found' };
      if (r[0] === 'conflict') return { kind: 'conflict', turn };
      const next = Number(r[1]);
      return { kind: 'cancelled', turn, next: next ? refOf(p.sessionId, next) : null, totalMs: Number(r[2]) };
    },

    /**
     * Events of a turn after `afterId`, oldest first. An ended turn whose event list is gone is replayed
     * from its record (replayTurn), so a follower still gets its `done`. A turn that is gone altogether
     * (its session deleted or expired) yields one GONE event, so a follower ends too.
     */
    async events(turnId: string, afterId: number): Promise<StreamEvent[]> {
      const p = parseTurnId(turnId);
      if (!p) return [GONE];
      // event n is element n-1 of the turn's list (see emit), so the events after `afterId` start at index afterId
      const from = Math.max(0, afterId);
      const r = await scripts.readEvents(...args(p.sessionId), p.seq, from);
      const rows = r[1] as string[];
      if (r[0] === 'ok') return rows.map((raw, i) => decodeEvent(from + i + 1, raw));
      if (!rows.length) return [GONE];
      const rec = turnRecord(rows);
      return replayTurn(decodeTurn(p.sessionId, p.seq, rec), rec.dl).filter((e) => e.id > from);
    },

    /** The pub/sub channel that announces new events of a turn (its event list's key). */
    channelOf(turnId: string): string | null {
      const p = parseTurnId(turnId);
      return p ? keysOf(p.sessionId).eventPrefix + p.seq : null;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
