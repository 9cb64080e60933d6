import { serverTimeMs } from '#libs/redis';
import { decodeStored } from './decode';
import { newRequestId, turnIdOf } from './ids';
import { fieldsByName, RESPONSE_SNAPSHOT_FIELDS } from './record-fields';
import { bindScripts } from './session-scripts-client';
import { inflightKey, sessionKeys } from './session-keys';
import type { ContextReport, IntentRecord, SentimentRecord, StoredMessage, TurnError, Usage } from './session-types';
import type { StoreOptions, TurnRef } from './session-store';

export type StartResult = { kind: 'run'; stage: 'intent' | 'response'; input: string; state: string; queueWaitMs: number | null } | { kind: 'gone' };

export interface ResponseSnapshot {
  attempt: number;
  input: string;
  systemPrompt: string | null;
  state: string;
  summary: { text: string; tokens: number; covers: number } | null;
  messageCount: number;
  totalTokens: number;
  intent: IntentRecord | null;
  sentiment: SentimentRecord | null;
  /** The session's recent sentiment marks, newest last (- negative, 0 neutral, + positive). */
  sentimentTrend: string;
  /** The user whose long-term memory this turn feeds and uses; null without a userId or with "memory": false. */
  memoryUser: { tenant: string; userId: string } | null;
  /** The newest unsummarized messages (a bounded pool), chronological. */
  history: StoredMessage[];
  /** The id the attempt's first delta gets (deltas are fenced on it, see DELTA). */
  nextEventId: number;
}

export interface CommitOutcome { next: TurnRef | null; messageCount: number; totalTokens: number; covers: number; coveredTokens: number; totalMs: number }

/** The workers' view: every stage transition is one fenced script (see session-scripts.ts). */
export function createPipelineStore(opts: StoreOptions) {
  const { redis, namespace, partitions, ttlSeconds } = opts;
  const scripts = bindScripts(redis, opts.retry);
  const args = (sid: string) => {
    const k = sessionKeys(namespace, partitions, sid);
    return [...k.scriptKeys, ttlSeconds, sid, k.eventPrefix] as Array<string | number>;
  };
  const refOf = (sessionId: string, seq: number): TurnRef => ({
    sessionId, seq, turnId: turnIdOf(sessionId, seq), partition: sessionKeys(namespace, partitions, sessionId).partition,
  });
  const nextOf = (sid: string, n: unknown) => (Number(n) ? refOf(sid, Number(n)) : null);

  return {
    refOf,

    async start(t: TurnRef): Promise<StartResult> {
      const r = await scripts.start(...args(t.sessionId), t.seq);
      if (r[0] !== 'run') return { kind: 'gone' };
      const wait = Number(r[4]);
      return { kind: 'run', stage: r[1] as 'intent' | 'response', input: String(r[2]), state: String(r[3] ?? 'greeting'), queueWaitMs: wait >= 0 ? wait : null };
    },

    /** 'ok', or 'stale' when the cursor already moved past intent, or 'gone' when the turn no longer owns the session. */
    async commitIntent(t: TurnRef, intent: IntentRecord, newState: string, sentiment: SentimentRecord | null = null): Promise<'ok' | 'stale' | 'gone'> {
      const r = await scripts.commitIntent(...args(t.sessionId), t.seq, JSON.stringify(intent), newState, t.turnId, sentiment ? JSON.stringify(sentiment) : '');
      return r[0] as 'ok' | 'stale' | 'gone';
    },

    async beginResponse(t: TurnRef, pool: { maxTokens: number; maxMessages: number }): Promise<ResponseSnapshot | 'stale' | 'gone'> {
      const r = await scripts.beginResponse(...args(t.sessionId), t.seq, pool.maxTokens, pool.maxMessages, newRequestId());
      if (r[0] !== 'ok') return r[0] as 'stale' | 'gone';
      const h = fieldsByName(RESPONSE_SNAPSHOT_FIELDS, r, 1);
      const firstIndex = Number(h.first);
      return {
        attempt: Number(h.attempt),
        input: String(h.input),
        systemPrompt: h.sp ? String(h.sp) : null,
        state: String(h.state),
        summary: Number(h.covers) > 0 ? { text: String(h.sumt), tokens: Number(h.sumk), covers: Number(h.covers) } : null,
        messageCount: Number(h.mc),
        totalTokens: Number(h.tt),
        intent: h.it ? (JSON.parse(String(h.it)) as IntentRecord) : null,
        sentiment: h.se ? (JSON.parse(String(h.se)) as SentimentRecord) : null,
        sentimentTrend: String(h.snt),
        memoryUser: h.user && h.mem !== '0' ? { tenant: String(h.tenant), userId: String(h.user) } : null,
        history: (r.slice(1 + RESPONSE_SNAPSHOT_FIELDS.length) as string[]).map((raw, i) => decodeStored(t.sessionId, firstIndex + i + 1, raw)),
        nextEventId: Number(h.events) + 1,
      };
    },

    /**
     * Appends a piece of the reply as event `eventId` (the attempt's first is ResponseSnapshot.nextEventId,
     * then one more each). The event id it got, or 0 when this attempt no longer owns the turn (the
     * caller must stop streaming) or the event is not the one expected.
     */
    async delta(t: TurnRef, attempt: number, text: string, eventId: number): Promise<number> {
      return Number(await scripts.delta(...args(t.sessionId), t.seq, attempt, JSON.stringify({ text }), eventId));
    },

    async commitResponse(t: TurnRef, c: {
      attempt: number; response: string; usage: Usage; context: ContextReport;
      userTokens: number; replyTokens: number; intentLabel: string; model: string;
      /** The end of the reply not yet sent as a delta: it goes out as the last delta, just before `done`. */
      tail?: string;
      /**
       * The lengths of the deltas this attempt wrote, the tail's last, when together they are the reply in
       * order: the turn then keeps them instead of its event list (see COMMIT_RESPONSE, replayTurn).
       */
      deltaLengths?: number[];
    }): Promise<CommitOutcome | null> {
      const r = await scripts.commitResponse(...args(t.sessionId), t.seq, c.attempt, c.response, JSON.stringify(c.usage),
        JSON.stringify(c.context), c.userTokens, c.replyTokens, c.intentLabel, c.model, c.tail ? JSON.stringify({ text: c.tail }) : '',
        c.deltaLengths ? `d${c.deltaLengths.join(',')}` : '');
      if (r[0] !== 'ok') return null;
      return { next: nextOf(t.sessionId, r[1]), messageCount: Number(r[2]), totalTokens: Number(r[3]), covers: Number(r[4]), coveredTokens: Number(r[5]), totalMs: Number(r[6]) };
    },

    /**
     * Ends the turn as failed; null when it had already ended, lost the session, or moved past `by`:
     * the stage that failed it (and for the response stage its attempt), absent for "whatever it runs".
     */
    async fail(t: TurnRef, error: TurnError, by: { stage?: 'intent' | 'response'; attempt?: number } = {}):
      Promise<{ next: TurnRef | null; totalMs: number; intent: IntentRecord | null } | null> {
      const r = await scripts.fail(...args(t.sessionId), t.seq, JSON.stringify(error), by.stage ?? '', by.attempt ?? '');
      if (r[0] !== 'ok') return null;
      return { next: nextOf(t.sessionId, r[1]), totalMs: Number(r[2]), intent: r[3] ? (JSON.parse(String(r[3])) as IntentRecord) : null };
    },

    async readForSummary(sessionId: string, keep: number):
      Promise<{ summary: string; covers: number; upto: number; messages: StoredMessage[] } | null> {
      const r = await scripts.readForSummary(...args(sessionId), keep);
      if (r[0] !== 'ok') return null;
      const covers = Number(r[2]);
      return {
        summary: String(r[1]), covers, upto: Number(r[3]),
        messages: (r.slice(4) as string[]).map((raw, i) => decodeStored(sessionId, covers + i + 1, raw)),
      };
    },

    async commitSummary(sessionId: string, c: { expectedCovers: number; newCovers: number; text: string; tokens: number; foldedTokens: number }):
      Promise<'ok' | 'stale' | 'gone'> {
      const r = await scripts.commitSummary(...args(sessionId), c.expectedCovers, c.newCovers, c.text, c.tokens, c.foldedTokens);
      return r[0] as 'ok' | 'stale' | 'gone';
    },

    /**
     * Sessions whose active turn was handed over (or last checked) more than `afterMs` ago, by the Redis
     * clock of the partition's master (the scripts score inflight with it), and that clock's `now` for touchInflight.
     */
    async staleInflight(partition: number, afterMs: number, limit: number): Promise<{ now: number; sessionIds: string[] }> {
      const key = inflightKey(namespace, partition);
      const now = await serverTimeMs(redis, key);
      return { now, sessionIds: await redis.zrangebyscore(key, '-inf', now - afterMs, 'LIMIT', 0, limit) };
    },

    async touchInflight(partition: number, sessionId: string, atMs: number): Promise<void> {
      await redis.zadd(inflightKey(namespace, partition), 'XX', atMs, sessionId);
    },

    async probeActive(sessionId: string): Promise<{ seq: number; status: string; stage: string; attempt: number | null } | null> {
      const r = await scripts.probeActive(...args(sessionId));
      return r[0] === 'active' ? { seq: Number(r[1]), status: String(r[2]), stage: String(r[3]), attempt: r[4] ? Number(r[4]) : null } : null;
    },

    /** Hands on a session whose owning turn has ended; the next turn to dispatch, or null. */
    async releaseEnded(t: TurnRef): Promise<{ next: TurnRef | null } | null> {
      const r = await scripts.releaseEnded(...args(t.sessionId), t.seq);
      return r[0] === 'ok' ? { next: nextOf(t.sessionId, r[1]) } : null;
    },

    /** Adds `ms` to the turn's total wait on provider rate limits; the new total, or null when it no longer owns its session. */
    async addRateLimitWait(t: TurnRef, ms: number): Promise<number | null> {
      const total = Number(await scripts.rateLimitWait(...args(t.sessionId), t.seq, Math.round(ms)));
      return total >= 0 ? total : null;
    },

    async inflightCount(partition: number): Promise<number> {
      return redis.zcard(inflightKey(namespace, partition));
    },
  };
}

export type PipelineStore = ReturnType<typeof createPipelineStore>;
