import { checkOrder } from '../../tools/loadtest/check-order';
import type { TurnRecord } from '../../tools/loadtest/turn-record';
import type { TurnqClient } from '../../tools/loadtest/turnq-client';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

function turn(seq: number, startMs: number, endMs: number, status: TurnRecord['status'] = 'completed'): TurnRecord {
  return {
    user: 0, sessionId: 'ses_A', lang: 'ko', follow: 'wait', input: `in ${seq}`, dueMs: 0, sentMs: 0, acceptedMs: 0, firstDeltaMs: null,
    endedMs: 1, httpStatus: 202, turnId: `trn_A_${seq}`, seq, status, error: null, intent: null, usage: null, context: null, timings: null,
    startedAt: at(startMs), completedAt: at(endMs), response: status === 'completed' ? `out ${seq}` : null,
  };
}

const historyOf = (turns: TurnRecord[]) => turns.filter((t) => t.status === 'completed').flatMap((t) => [
  { turnId: t.turnId!, role: 'user', content: t.input },
  { turnId: t.turnId!, role: 'assistant', content: t.response! },
]);

function fakeClient(history: Array<{ turnId: string; role: string; content: string }>): TurnqClient {
  return {
    history: async () => history,
    getTurn: async () => { throw new Error('every turn here has ended'); },
  } as unknown as TurnqClient;
}

describe('the loadtest order check', () => {
  it('passes turns that ran one after another with a matching history', async () => {
    const turns = [turn(1, 0, 10), turn(2, 10, 20), turn(3, 25, 30, 'failed')];
    const r = await checkOrder(fakeClient(historyOf(turns)), ['ses_A'], turns);
    expect(r).toMatchObject({ sessionsChecked: 1, turnsChecked: 3, violations: 0 });
  });

  it('flags a turn that started before the previous one ended', async () => {
    const turns = [turn(1, 0, 10), turn(2, 9, 20)];
    const r = await checkOrder(fakeClient(historyOf(turns)), ['ses_A'], turns);
    expect(r.byKind).toEqual({ overlap: 1 });
  });

  it('flags a streamed turn whose deltas did not add up to its response', async () => {
    const turns = [turn(1, 0, 10), { ...turn(2, 10, 20), follow: 'sse' as const, error: 'stream_mismatch' }];
    const r = await checkOrder(fakeClient(historyOf(turns)), ['ses_A'], turns);
    expect(r.byKind).toEqual({ stream_mismatch: 1 });
  });

  it('flags a history with a missing, misplaced or altered message', async () => {
    const turns = [turn(1, 0, 10), turn(2, 10, 20)];
    const full = historyOf(turns);
    expect((await checkOrder(fakeClient(full.slice(0, 3)), ['ses_A'], turns)).byKind).toEqual({ history_count: 1 });
    expect((await checkOrder(fakeClient([full[2], full[3], full[0], full[1]]), ['ses_A'], turns)).byKind).toEqual({ history_order: 1 });
    const altered = full.map((m, i) => (i === 3 ? { ...m, content: 'something else' } : m));
    expect((await checkOrder(fakeClient(altered), ['ses_A'], turns)).byKind).toEqual({ history_content: 1 });
  });
});
