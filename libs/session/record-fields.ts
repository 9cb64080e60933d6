/*
 * Legend of the short field names the session scripts (session-scripts.ts) write. Names are short
 * because every turn of a session repeats them as `<seq>:<code>` in one hash.
 *
 * Session hash (KEYS[1]), one field each:
 *   id       session id                     tenant   owning tenant
 *   user     userId ('' = none)             sp       system prompt ('' = none)
 *   md       metadata JSON                  state    conversation state
 *   ca       created at (ms)                la       last activity at (ms)
 *   seq      last turn seq given out        act      seq of the turn that owns the session (absent: idle)
 *   mc       messages in the history        tt       their total tokens
 *   sumt     summary text                   sumk     summary tokens
 *   sumc     messages the summary covers    sumtt    tokens of the messages it covers
 *   mem      '0': the session opted out of long-term memory ("memory": false); absent: takes part
 *   snt      sentiment trend: a mark per turn (- negative, 0 neutral, + positive), the last five, newest last
 *
 * Turn hash (KEYS[3]), fields `<seq>:<code>`:
 *   st   status: queued | running | completed | failed | cancelled
 *   sg   stage cursor: intent | response | '' once ended
 *   in   the user's input                   ca   created at (ms)
 *   sa   started at (ms)                    ia   intent committed at (ms)
 *   ea   ended at (ms)                      it   intent JSON {label, confidence, method}
 *   sf   state before the turn              stt  state after it
 *   oi   history index of the reply (the assistant message holds the only copy)
 *   out  the reply, only on turns completed before ':oi' existed
 *   us   usage JSON                         cx   context report JSON
 *   er   error JSON {code, message}         mdl  model that answered
 *   at   response attempt counter (deltas and the commit are fenced on it)
 *   br   request id of the response begin that started that attempt, so a repeated begin answers alike
 *   rt   reply channel of a gateway waiting for the end (?wait), deleted once announced
 *   nx   seq the turn handed the session to when it ended (0: none), so a repeated commit answers alike
 *   cr   request id of the cancel that ended it, so a repeated cancel answers alike
 *   rw   milliseconds this turn has waited on provider rate limits
 *   se   sentiment JSON {label, intensity, method}, written with the intent
 *   dl   'd<n>,<n>…': the lengths of a completed first attempt's deltas, kept instead of its event
 *        list (COMMIT_RESPONSE); replayTurn cuts the reply at them
 *
 * Idempotency hash (KEYS[6]):
 *   <Idempotency-Key>  `<seq>:<sha1 of content>:<at ms>`
 *   r:<request id>     `<seq>`: the gateway's own id of one POST, so a SUBMIT re-sent after a lost
 *                      reply returns the turn it created instead of a second one
 */

/**
 * The turn fields a read returns, in this order (READ_TURN, READ_EVENTS, the ?wait announcement); the
 * one list both the Lua (turn_fields) and decodeTurn use. `out` is the reply, resolved from ':oi'.
 */
export const TURN_FIELDS = ['st', 'sg', 'in', 'ca', 'sa', 'ia', 'ea', 'it', 'sf', 'stt', 'out', 'us', 'cx', 'er', 'mdl', 'se', 'dl'] as const;
export type TurnField = (typeof TURN_FIELDS)[number];
export type TurnRecord = Partial<Record<TurnField, string>>;

/** The values of a read, by name. */
export function turnRecord(values: string[]): TurnRecord {
  const r: TurnRecord = {};
  TURN_FIELDS.forEach((name, i) => { r[name] = values[i] ?? ''; });
  return r;
}

/**
 * What BEGIN_RESPONSE answers after 'ok', in this order, before the history's messages: the one list
 * the Lua builds its reply from (by name, failing loudly on a name it has no value for) and
 * beginResponse decodes by name, so adding a field to the snapshot cannot shift the others.
 *   attempt  the response attempt just counted      input   the user's input
 *   sp       system prompt ('' = none)              state   conversation state
 *   sumt     summary text                           sumk    summary tokens
 *   covers   messages the summary covers            mc      messages in the history
 *   tt       their total tokens                     it      intent JSON ('' = none)
 *   first    history index of the oldest message returned
 *   events   the turn's events so far (the attempt's first delta is event events + 1)
 *   se       sentiment JSON ('' = none)             snt     sentiment trend
 *   tenant   owning tenant                          user    userId ('' = none)
 *   mem      '0': the session opted out of long-term memory
 */
export const RESPONSE_SNAPSHOT_FIELDS = [
  'attempt', 'input', 'sp', 'state', 'sumt', 'sumk', 'covers', 'mc', 'tt', 'it', 'first', 'events', 'se', 'snt', 'tenant', 'user', 'mem',
] as const;
export type ResponseSnapshotField = (typeof RESPONSE_SNAPSHOT_FIELDS)[number];

/** A reply's fields by name: `names` read from `reply` starting at `offset`. */
export function fieldsByName<N extends string>(names: readonly N[], reply: readonly unknown[], offset: number): Record<N, unknown> {
  const r = {} as Record<N, unknown>;
  names.forEach((name, i) => { r[name] = reply[offset + i]; });
  return r;
}
