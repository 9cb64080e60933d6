import { applyTurn, TERMINAL, type TurnRecord } from './turn-record';
import type { TurnqClient } from './turnq-client';

export interface Violation { sessionId: string; kind: string; detail: string }
export interface OrderCheck { sessionsChecked: number; turnsChecked: number; violations: number; byKind: Record<string, number>; examples: Violation[]; notes: string[] }

const MAX_EXAMPLES = 50;

/**
 * The contract's invariants 1 and 2 as seen from outside, per session: turns run one at a time in seq
 * order (turn n+1 starts at or after turn n ended, by the server's clock), and the stored history holds
 * exactly a user and an assistant message for each completed turn, in seq order, with the texts the
 * client sent and received; a streamed turn's deltas add up to its response. Turns the client lost
 * track of are read back first.
 */
export async function checkOrder(client: TurnqClient, sessions: string[], turns: TurnRecord[]): Promise<OrderCheck> {
  const check: OrderCheck = { sessionsChecked: 0, turnsChecked: 0, violations: 0, byKind: {}, examples: [], notes: [] };
  const flag = (sessionId: string, kind: string, detail: string) => {
    check.violations++;
    check.byKind[kind] = (check.byKind[kind] ?? 0) + 1;
    if (check.examples.length < MAX_EXAMPLES) check.examples.push({ sessionId, kind, detail });
  };
  const bySession = new Map<string, TurnRecord[]>(sessions.map((s) => [s, []]));
  for (const t of turns) if (t.turnId) bySession.get(t.sessionId)?.push(t);

  let next = 0;
  const ids = [...bySession.keys()];
  await Promise.all(Array.from({ length: Math.min(16, ids.length) }, async () => {
    while (next < ids.length) {
      const sid = ids[next++];
      try {
        await checkSession(sid, bySession.get(sid)!);
      } catch (err) {
        check.notes.push(`${sid}: could not be checked (${(err as Error).message})`);
      }
    }
  }));
  return check;

  async function checkSession(sid: string, recs: TurnRecord[]): Promise<void> {
    for (const r of recs) {
      if (r.status && TERMINAL.has(r.status)) continue;
      const res = await client.getTurn(r.turnId!);
      if (res.status === 200) applyTurn(r, res.json);
      if (!r.status || !TERMINAL.has(r.status)) flag(sid, 'not_ended', `${r.turnId} is still ${r.status ?? 'unknown'} after the run`);
    }
    for (const r of recs) if (r.error === 'stream_mismatch') flag(sid, 'stream_mismatch', `${r.turnId}: the SSE deltas do not add up to the response`);
    recs.sort((a, b) => a.seq! - b.seq!);
    check.sessionsChecked++;
    check.turnsChecked += recs.length;
    for (let i = 1; i < recs.length; i++) {
      const a = recs[i - 1];
      const b = recs[i];
      if (a.seq === b.seq) { flag(sid, 'duplicate_seq', `${a.turnId} and ${b.turnId} share seq ${a.seq}`); continue; }
      if (!b.startedAt) continue; // never started (cancelled or failed while queued): nothing to order
      if (!a.completedAt) flag(sid, 'overlap', `seq ${b.seq} started at ${b.startedAt} while seq ${a.seq} had not ended`);
      else if (Date.parse(b.startedAt) < Date.parse(a.completedAt)) {
        flag(sid, 'overlap', `seq ${b.seq} started at ${b.startedAt}, before seq ${a.seq} ended at ${a.completedAt}`);
      }
    }
    await checkHistory(sid, recs);
  }

  async function checkHistory(sid: string, recs: TurnRecord[]): Promise<void> {
    const messages = await client.history(sid);
    const known = new Map(recs.map((r) => [r.turnId!, r]));
    const unknown = messages.filter((m) => !known.has(m.turnId));
    if (unknown.length) check.notes.push(`${sid}: ${unknown.length} stored messages belong to turns whose submit answer the client never got`);
    const stored = messages.filter((m) => known.has(m.turnId));
    const expected = recs.filter((r) => r.status === 'completed').flatMap((r) => [
      { turnId: r.turnId!, role: 'user', content: r.input },
      { turnId: r.turnId!, role: 'assistant', content: r.response ?? '' },
    ]);
    if (stored.length !== expected.length) {
      flag(sid, 'history_count', `${stored.length} messages stored for ${expected.length / 2} completed turns (expected ${expected.length})`);
    }
    for (let i = 0; i < Math.min(stored.length, expected.length); i++) {
      const s = stored[i];
      const e = expected[i];
      if (s.turnId !== e.turnId || s.role !== e.role) {
        flag(sid, 'history_order', `message ${i + 1} is ${s.role} of ${s.turnId}, expected ${e.role} of ${e.turnId}`);
        return; // everything after the first misplaced message would repeat the same finding
      }
      if (s.content !== e.content) flag(sid, 'history_content', `message ${i + 1} (${s.role} of ${s.turnId}) differs from what the client ${e.role === 'user' ? 'sent' : 'received'}`);
    }
  }
}
