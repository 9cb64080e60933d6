import { messageIdOf, turnIdOf } from './ids';
import type { TurnRecord } from './record-fields';
import type { Message, Session, StateChange, StoredMessage, StreamEvent, Turn, TurnStage, TurnStatus } from './session-types';

const iso = (ms: number | string | undefined | null): string | null => {
  const n = Number(ms);
  return ms === undefined || ms === null || ms === '' || !Number.isFinite(n) ? null : new Date(n).toISOString();
};
const json = <T>(raw: string | null | undefined): T | null => (raw ? (JSON.parse(raw) as T) : null);

export function decodeSession(flat: string[], pending: number, history: string[], ttlSeconds: number): Session {
  const r: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) r[flat[i]] = flat[i + 1];
  const lastActivity = Number(r.la ?? r.ca);
  const summaryCovers = Number(r.sumc ?? 0);
  return {
    id: r.id,
    userId: r.user || null,
    state: r.state,
    stateHistory: history.map((h) => {
      const e = JSON.parse(h) as { from: string; to: string; turnId: string; at: number };
      return { from: e.from, to: e.to, turnId: e.turnId, at: iso(e.at) } as StateChange;
    }),
    messageCount: Number(r.mc ?? 0),
    totalTokens: Number(r.tt ?? 0),
    summary: summaryCovers > 0 ? { text: r.sumt ?? '', tokens: Number(r.sumk ?? 0), coversMessages: summaryCovers } : null,
    pendingTurns: pending,
    metadata: json<Record<string, string>>(r.md) ?? {},
    systemPrompt: r.sp || null,
    createdAt: iso(r.ca)!,
    lastActivityAt: iso(lastActivity)!,
    expiresAt: ttlSeconds > 0 ? iso(lastActivity + ttlSeconds * 1000) : null,
  };
}

/** A turn from its record fields, by name (record-fields.ts); a field that is missing reads as ''. */
export function decodeTurn(sessionId: string, seq: number, r: TurnRecord): Turn {
  const { st = '', sg = '', in: input = '', ca = '', sa = '', ia = '', ea = '', it = '', sf = '', stt = '', out = '', us = '', cx = '', er = '', mdl = '' } = r;
  const status = st as TurnStatus;
  const completed = status === 'completed';
  const n = (x: string) => Number(x);
  return {
    turnId: turnIdOf(sessionId, seq),
    sessionId,
    seq,
    status,
    stage: (sg || null) as TurnStage | null,
    input,
    intent: json(it),
    state: stt ? { from: sf, to: stt } : null,
    response: completed ? out : null,
    usage: completed ? json(us) : null,
    context: completed ? json(cx) : null,
    timings: completed
      ? { queuedMs: n(sa) - n(ca), intentMs: n(ia) - n(sa), responseMs: n(ea) - n(ia), totalMs: n(ea) - n(ca) }
      : null,
    error: json(er),
    model: mdl || null,
    createdAt: iso(ca)!,
    startedAt: iso(sa),
    completedAt: iso(ea),
  };
}

interface RawMessage { t: number; r: 'user' | 'assistant'; s: number; at: number; i?: string; c: string }

/** `position` is the message's 1-based place in the history. */
export function decodeStored(sessionId: string, position: number, raw: string): StoredMessage {
  const m = JSON.parse(raw) as RawMessage;
  return {
    id: messageIdOf(sessionId, position),
    turnId: turnIdOf(sessionId, m.s),
    role: m.r,
    content: m.c,
    tokens: m.t,
    intent: m.i ?? null,
    createdAtMs: m.at,
  };
}

export function decodeMessage(sessionId: string, position: number, raw: string, covers: number): Message {
  const m = decodeStored(sessionId, position, raw);
  return {
    id: m.id, turnId: m.turnId, role: m.role, content: m.content, tokens: m.tokens,
    createdAt: iso(m.createdAtMs)!, summarized: position <= covers,
  };
}

/** An element of a turn's event list (`type\ndata`, written by emit in session-scripts.ts); `id` is its 1-based place. */
export function decodeEvent(id: number, raw: string): StreamEvent {
  const nl = raw.indexOf('\n');
  return { id, type: raw.slice(0, nl), data: raw.slice(nl + 1) };
}
