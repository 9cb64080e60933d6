import { TERMINAL, type StreamEvent, type Turn } from './session-types';

/**
 * The event stream of an ended turn rebuilt from its record, for when its event list is gone while the
 * turn is still kept (a session kept forever drops a turn's events a day after its last one; a turn
 * written before the lists' key layout has none under it). The same shape a client sees live — ids from
 * 1, the status changes the turn went through, its reply, then `done` — so a stream always ends. Empty
 * for a turn that has not ended: its events are still to come.
 *
 * `deltaLengths` (the turn's ':dl', 'd<n>,<n>…'): a completed first attempt keeps these instead of its
 * event list (COMMIT_RESPONSE), and the reply cut at them gives back exactly the deltas it streamed, so
 * the rebuilt stream is the live one event for event, ids and data alike. Without it the reply is one delta.
 */
export function replayTurn(turn: Turn, deltaLengths = ''): StreamEvent[] {
  if (!TERMINAL.has(turn.status)) return [];
  const events: Array<Omit<StreamEvent, 'id'>> = [{ type: 'status', data: '{"status":"queued","stage":null}' }];
  // a turn that never started (cancelled, or failed while queued) has no startedAt; one that failed
  // before its intent was recorded never reached the response stage
  if (turn.startedAt) events.push({ type: 'status', data: '{"status":"running","stage":"intent"}' });
  if (turn.startedAt && turn.intent) events.push({ type: 'status', data: '{"status":"running","stage":"response"}' });
  if (turn.status === 'completed' && deltaLengths.startsWith('d')) {
    let at = 0;
    for (const n of deltaLengths.slice(1).split(',').filter(Boolean).map(Number)) {
      events.push({ type: 'delta', data: JSON.stringify({ text: turn.response!.slice(at, at + n) }) });
      at += n;
    }
  } else if (turn.status === 'completed' && turn.response) events.push({ type: 'delta', data: JSON.stringify({ text: turn.response }) });
  events.push({ type: 'done', data: '' });
  return events.map((e, i) => ({ id: i + 1, ...e }));
}
