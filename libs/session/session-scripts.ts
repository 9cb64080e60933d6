import { RESPONSE_SNAPSHOT_FIELDS, TURN_FIELDS } from './record-fields';

/*
 * The session's Lua scripts. Each runs atomically on the partition's slot. Conventions:
 * KEYS = sessionKeys().scriptKeys (1 session, 2 messages, 3 turns, 4 mailbox, 5 state history,
 * 6 idempotency, 7 inflight); ARGV[1] = TTL seconds (0 = keep forever), ARGV[2] = session id,
 * ARGV[3] = event list prefix. Times come from the Redis server clock, so ordering checks never depend
 * on the skew between gateway and worker hosts. Event lists and channels are built from ARGV[3]; they
 * share the hash tag, as BullMQ's own scripts build job keys. The hash fields' short names are
 * explained in record-fields.ts.
 *
 * Every script is safe to run twice. A reply can be lost (the connection drops after Redis ran the
 * script) and the caller then runs the same script again (session-scripts-client.ts): a write repeated
 * that way answers what its first run did and changes nothing more — CREATE by the new session's id,
 * SUBMIT by the gateway's request id, BEGIN_RESPONSE by the worker's request id, DELTA by the event id
 * it expects, COMMIT_RESPONSE by the attempt, FAIL by its error, CANCEL by its request id; the other
 * writes are fenced on the stage cursor or a compare-and-set.
 *
 * TTL: while a session has a turn that owns it (`act`), none of its keys expires (touch PERSISTs them)
 * and neither do the event lists of its turns that have not ended; the sliding TTL starts again when
 * the session goes idle, from that last activity. The reconciler makes sure every owning turn ends.
 */

/**
 * A turn's fields in TURN_FIELDS' order (record-fields.ts), or nil when the turn does not exist. A
 * completed turn's reply ('out') is read from its assistant message, at the history index ':oi'
 * COMMIT_RESPONSE recorded: the history is only ever appended to (a summary moves its cut-off, it never
 * trims), so that index stays valid. A turn completed before that has no ':oi' but its own copy of the
 * reply in ':out', read in the same HMGET.
 */
const TURN_FIELDS_LUA = `
local function turn_fields(seq)
  local names = {${TURN_FIELDS.map((n) => `'${n}'`).join(', ')}, 'oi'}
  local fields = {}
  for i, n in ipairs(names) do fields[i] = seq .. ':' .. n end
  local v = redis.call('HMGET', KEYS[3], unpack(fields))
  if not v[1] then return nil end
  local oi = table.remove(v)
  if oi then
    local m = redis.call('LINDEX', KEYS[2], oi)
    v[${TURN_FIELDS.indexOf('out') + 1}] = m and cjson.decode(m).c or false
  end
  for i = 1, #v do if not v[i] then v[i] = '' end end
  return v
end
`;

const PRELUDE = `${TURN_FIELDS_LUA}
local ttl = tonumber(ARGV[1])
local sid = ARGV[2]
local evp = ARGV[3]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- the sliding TTL over every key the session owns (a constant number of keys): kept forever while a
-- turn owns the session, so a turn longer than the TTL never loses its session; counted again from
-- the last activity once it is idle. A caller that knows how ownership changed says so, and only that
-- change pays: 'busy' (an idle session was just given a turn: its keys are persisted), 'idle' (it was
-- just released: they count down from now), 'same' (neither: keys written while the session is busy
-- are created without a TTL, so there is nothing to do). An idle session's mailbox is empty, so it has
-- no key to persist or expire. Without a change named (a repair), it looks.
-- Writes to the session hash that the script's touch() makes in its one HSET, with the last activity.
-- Each script calls touch() right after queueing them, with nothing in between that can fail.
local session_writes = {}
local function set_session(field, value)
  table.insert(session_writes, field)
  table.insert(session_writes, value)
end
local function touch(now, change)
  redis.call('HSET', KEYS[1], 'la', now, unpack(session_writes))
  if ttl == 0 or change == 'same' then return end
  local busy = change == 'busy' or (change == nil and redis.call('HEXISTS', KEYS[1], 'act') == 1)
  for i = 1, 6 do
    if change == nil or i ~= 4 then
      if busy then redis.call('PERSIST', KEYS[i]) else redis.call('EXPIRE', KEYS[i], ttl) end
    end
  end
end
-- tells the turn's followers about its event n, and a waiting gateway about its end. The one place
-- that publishes a turn's events.
local function announce(seq, n, etype, data)
  local key = evp .. seq
  redis.call('PUBLISH', key, n .. '\\n' .. etype .. '\\n' .. data)
  if etype == 'done' then
    -- a gateway holding the submitting request open (?wait) named its reply channel: one message there
    -- with the ended turn, instead of that gateway subscribing to the turn's events and reading it back
    local rt = redis.call('HGET', KEYS[3], seq .. ':rt')
    if rt then
      redis.call('HDEL', KEYS[3], seq .. ':rt')
      redis.call('PUBLISH', rt, cjson.encode({c = key, f = turn_fields(seq)}))
    end
  end
  return n
end
-- appends an SSE event to the turn's event list as 'type\\ndata' (decodeEvent in decode.ts reads it)
-- and announces it. A LIST, not a STREAM: a few short events take a fraction of a stream's memory,
-- and kept for the session's lifetime that adds up. The list is never trimmed, so event n is element
-- n-1 and its id is RPUSH's reply.
local function emit(seq, etype, data)
  local key = evp .. seq
  local n = redis.call('RPUSH', key, etype .. '\\n' .. data)
  -- A turn that has not ended keeps its list without a TTL: it is queued or running, so its session
  -- is busy and kept too (touch), and a follower must find every event from the first. Its end starts
  -- the list's TTL, which ends it no later than its session; sessions kept forever (ttl 0) still drop
  -- an ended turn's events a day later (a follower then gets them rebuilt from the record).
  if etype == 'done' then redis.call('EXPIRE', key, ttl > 0 and ttl or 86400) end
  return announce(seq, n, etype, data)
end
-- hands the session to the next queued turn, or releases it; returns the next seq or 0. Writes the
-- owner itself: a turn taken off the mailbox is never left owned by nobody
local function handoff(now)
  local nxt = redis.call('LPOP', KEYS[4])
  if nxt then
    redis.call('HSET', KEYS[1], 'act', nxt)
    redis.call('ZADD', KEYS[7], now, sid)
    return tonumber(nxt)
  end
  redis.call('HDEL', KEYS[1], 'act')
  redis.call('ZREM', KEYS[7], sid)
  return 0
end
local function owns(seq)
  return redis.call('HGET', KEYS[1], 'act') == seq
end
`;

/**
 * Create. ARGV: 4… the new session's fields as name, value pairs, without its times. The session id
 * is the gateway's, fresh per POST, so a re-run after a lost reply finds the session its first run
 * created and answers that run's creation time, changing nothing: one session per POST. Returns the
 * creation time (ms), which is also the last activity.
 */
export const CREATE = `${PRELUDE}
local ca = redis.call('HGET', KEYS[1], 'ca')
if ca then return tonumber(ca) end
local now = now_ms()
redis.call('HSET', KEYS[1], 'ca', now, 'la', now, unpack(ARGV, 4))
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return now
`;

/**
 * Submit. ARGV: 4 tenant, 5 content, 6 idempotency key or '', 7 max pending, 8 idempotency window ms,
 * 9 reply channel or '' (when the turn ends, `{c: its channel, f: its fields}` is announced there),
 * 10 request id (the gateway's id of this POST, fresh per request), 11 latest time (ms, Redis clock) at which
 * a new turn may still be stored, or '' for none: the gateway has answered 503 by then, so a run that
 * reaches Redis later (queued in the client through a failover) stores nothing and answers {'late'}.
 * Guarantees: checks run existence → conflict → capacity and a refused turn stores nothing; the same
 * key within the window returns the first turn's seq even for parallel requests (the script is atomic);
 * a turn becomes the active one only when the session is idle, so at most one turn per session is ever
 * dispatched. The same request id again (a re-run after a lost reply) creates nothing and answers
 * {'ok'} for the turn the first run created, flagged as a replay, with its dispatch when that turn is
 * still queued and owns the session (adding its job twice is harmless).
 * Returns {'nf'} | {'late'} | {'dup', seq} | {'conflict', seq} | {'full', pending} | {'ok', seq, dispatch, createdAt, replay}.
 */
export const SUBMIT = `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'tenant', 'act')
if s[1] ~= ARGV[4] then return {'nf'} end
local rid = ARGV[10] ~= '' and 'r:' .. ARGV[10] or nil
local mine = rid and redis.call('HGET', KEYS[6], rid)
if mine then
  local f = redis.call('HMGET', KEYS[3], mine .. ':st', mine .. ':ca')
  local dispatch = 0
  if s[2] == mine and f[1] == 'queued' then dispatch = tonumber(mine) end
  return {'ok', tonumber(mine), dispatch, tonumber(f[2] or '0'), 1}
end
local now = now_ms()
if ARGV[11] and ARGV[11] ~= '' and now > tonumber(ARGV[11]) then return {'late'} end
local hash = ARGV[6] ~= '' and redis.sha1hex(ARGV[5]) or ''
if ARGV[6] ~= '' then
  local prev = redis.call('HGET', KEYS[6], ARGV[6])
  if prev then
    local pseq, phash, pat = string.match(prev, '^(%d+):(%x+):(%d+)$')
    if now - tonumber(pat) < tonumber(ARGV[8]) then
      if phash == hash then return {'dup', tonumber(pseq)} end
      return {'conflict', tonumber(pseq)}
    end
  end
end
local pending = redis.call('LLEN', KEYS[4])
if s[2] and redis.call('HGET', KEYS[3], s[2] .. ':st') == 'queued' then pending = pending + 1 end
if pending >= tonumber(ARGV[7]) then return {'full', pending} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local rec = {seq .. ':st', 'queued', seq .. ':in', ARGV[5], seq .. ':ca', now}
if ARGV[9] ~= '' then table.insert(rec, seq .. ':rt'); table.insert(rec, ARGV[9]) end
redis.call('HSET', KEYS[3], unpack(rec))
if rid then redis.call('HSET', KEYS[6], rid, seq) end
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[6], ARGV[6], seq .. ':' .. hash .. ':' .. now)
end
local dispatch = 0
if s[2] then
  redis.call('RPUSH', KEYS[4], seq)
else
  set_session('act', seq)
  redis.call('ZADD', KEYS[7], now, sid)
  dispatch = seq
end
touch(now, dispatch > 0 and 'busy' or 'same')
emit(seq, 'status', '{"status":"queued","stage":null}')
return {'ok', seq, dispatch, now, 0}
`;

/**
 * Start (intent stage). ARGV: 4 seq. Fenced on the session's active turn: a queued turn becomes running;
 * a redelivered job (or a re-run) re-enters the stage its cursor names; anything else (cancelled,
 * ended, deleted, not the owner) is {'gone'}. Returns {'run', stage, input, state, queue wait ms (-1 on
 * a re-entry)}.
 */
export const START = `${PRELUDE}
local seq = ARGV[4]
local o = redis.call('HMGET', KEYS[1], 'act', 'state')
if o[1] ~= seq then return {'gone'} end
local state = o[2]
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':sg', seq .. ':in', seq .. ':ca')
if f[1] == 'queued' then
  local now = now_ms()
  redis.call('HSET', KEYS[3], seq .. ':st', 'running', seq .. ':sg', 'intent', seq .. ':sa', now)
  -- no touch: the session is busy since its turn was handed over, so its keys are kept already
  emit(seq, 'status', '{"status":"running","stage":"intent"}')
  return {'run', 'intent', f[3], state, now - tonumber(f[4])}
end
if f[1] == 'running' then return {'run', f[2], f[3], state, -1} end
return {'gone'}
`;

/**
 * Intent commit. ARGV: 4 seq, 5 intent JSON, 6 new state, 7 turn id, 8 sentiment JSON ('' = none).
 * Only while this turn owns the session and its cursor is at 'intent' (a re-run answers {'stale',
 * 'response'} and applies nothing). Records one stateHistory entry only when the state changes. Adds
 * the sentiment's mark (- 0 +) to the session's trend ('snt', the last five, newest last) once per turn.
 * Moves the cursor to 'response'.
 */
export const COMMIT_INTENT = `${PRELUDE}
local seq = ARGV[4]
local o = redis.call('HMGET', KEYS[1], 'act', 'state', 'snt')
if o[1] ~= seq then return {'gone'} end
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':sg')
if f[1] ~= 'running' then return {'gone'} end
if f[2] ~= 'intent' then return {'stale', f[2]} end
local now = now_ms()
local from = o[2]
local to = ARGV[6]
local rec = {seq .. ':it', ARGV[5], seq .. ':sf', from, seq .. ':stt', to, seq .. ':sg', 'response', seq .. ':ia', now}
local sess = {}
if ARGV[8] ~= '' then
  local mark = ({negative = '-', neutral = '0', positive = '+'})[cjson.decode(ARGV[8]).label] or '0'
  table.insert(rec, seq .. ':se'); table.insert(rec, ARGV[8])
  table.insert(sess, 'snt'); table.insert(sess, string.sub((o[3] or '') .. mark, -5))
end
redis.call('HSET', KEYS[3], unpack(rec))
if from ~= to then table.insert(sess, 'state'); table.insert(sess, to) end
if #sess > 0 then redis.call('HSET', KEYS[1], unpack(sess)) end
if from ~= to then
  -- created while the turn owns the session, so kept with it (touch) and given its TTL when it goes idle
  redis.call('RPUSH', KEYS[5], cjson.encode({from = from, to = to, turnId = ARGV[7], at = now}))
end
emit(seq, 'status', '{"status":"running","stage":"response"}')
return {'ok'}
`;

/**
 * Response begin. ARGV: 4 seq, 5 pool max tokens, 6 pool max messages, 7 request id (the worker's id
 * of this call, fresh per call). Fenced like START at the 'response' cursor. Counts the attempt (deltas
 * and the commit are fenced on it, so a zombie of an earlier attempt can neither stream nor commit) and
 * tells stream readers when a retry restarts the reply. The same request id again (a re-run after a
 * lost reply) answers the attempt its first run started, without starting another. Reads the summary,
 * its cut-off and the newest unsummarized messages in one snapshot, so a concurrent summary can never
 * open a gap (invariant 6).
 * Returns {'ok', the fields RESPONSE_SNAPSHOT_FIELDS names in its order (record-fields.ts), msgs...}.
 */
export const BEGIN_RESPONSE = `${PRELUDE}
local seq = ARGV[4]
local s = redis.call('HMGET', KEYS[1], 'sp', 'state', 'sumt', 'sumk', 'sumc', 'mc', 'tt', 'act', 'snt', 'tenant', 'user', 'mem')
if s[8] ~= seq then return {'gone'} end
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':sg', seq .. ':in', seq .. ':it', seq .. ':se', seq .. ':at', seq .. ':br')
if f[1] ~= 'running' then return {'gone'} end
if f[2] ~= 'response' then return {'stale', f[2]} end
local attempt = tonumber(f[6])
if f[7] ~= ARGV[7] then
  attempt = (attempt or 0) + 1
  redis.call('HSET', KEYS[3], seq .. ':at', attempt, seq .. ':br', ARGV[7])
  if attempt > 1 then
    emit(seq, 'status', '{"status":"running","stage":"response","restarted":true,"attempt":' .. attempt .. '}')
  end
end
local covers = tonumber(s[5] or '0')
local count = tonumber(s[6] or '0')
local maxTok, maxMsg = tonumber(ARGV[5]), tonumber(ARGV[6])
local picked, tokens, first = {}, 0, count
local idx = count - 1
while idx >= covers and #picked < maxMsg and tokens < maxTok do
  local lo = math.max(covers, idx - 31)
  local chunk = redis.call('LRANGE', KEYS[2], lo, idx)
  for j = #chunk, 1, -1 do
    if #picked >= maxMsg or tokens >= maxTok then break end
    table.insert(picked, chunk[j])
    tokens = tokens + tonumber(string.match(chunk[j], '^{"t":(%d+)'))
    first = lo + j - 1
  end
  idx = lo - 1
end
local head = {attempt = attempt, input = f[3], sp = s[1] or '', state = s[2] or '', sumt = s[3] or '', sumk = tonumber(s[4] or '0'),
  covers = covers, mc = count, tt = tonumber(s[7] or '0'), it = f[4] or '', first = first, events = redis.call('LLEN', evp .. seq),
  se = f[5] or '', snt = s[9] or '', tenant = s[10] or '', user = s[11] or '', mem = s[12] or ''}
local out = {'ok'}
for _, n in ipairs({${RESPONSE_SNAPSHOT_FIELDS.map((n) => `'${n}'`).join(', ')}}) do
  if head[n] == nil then return redis.error_reply('BEGIN_RESPONSE has no value for snapshot field ' .. n) end
  table.insert(out, head[n])
end
for j = #picked, 1, -1 do table.insert(out, picked[j]) end
return out
`;

/**
 * Deltas. ARGV: 4 seq, 5 attempt, 6 event JSON, 7 the event id this delta must get. Appended only by
 * the current attempt of the owner, and only as that event: a re-run whose first run already appended
 * it finds it there and answers its id again; anything else (a gap, another event in its place) is
 * refused. Returns the event id, or 0 when refused.
 */
export const DELTA = `${PRELUDE}
local seq = ARGV[4]
if not owns(seq) then return 0 end
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':at')
if f[1] ~= 'running' or f[2] ~= ARGV[5] then return 0 end
local key = evp .. seq
local want = tonumber(ARGV[7])
local len = redis.call('LLEN', key)
if len >= want then
  if redis.call('LINDEX', key, want - 1) == 'delta\\n' .. ARGV[6] then return want end
  return 0
end
if len ~= want - 1 then return 0 end
return emit(seq, 'delta', ARGV[6])
`;

/**
 * Response commit. ARGV: 4 seq, 5 attempt, 6 reply, 7 usage JSON, 8 context JSON, 9 user tokens,
 * 10 reply tokens, 11 intent label, 12 model, 13 last delta event JSON or '' (the reply's unsent end),
 * 14 the lengths of the reply's deltas, the last one included, as 'd<n>,<n>…' or '' (see below).
 * Fenced on owner + running + attempt, so it takes effect at most once per turn however often the job
 * runs (invariant 2). Appends the user and assistant messages, marks the turn completed, ends its
 * event list and hands the session to the next queued turn. A re-run by the attempt that committed
 * answers as the first run did (the same next turn), so the caller still dispatches it.
 * A first attempt whose deltas were the reply, in order, says so with their lengths (ARGV 14): its event
 * list then holds nothing the turn does not (three statuses, the reply cut at those lengths, done), so
 * the turn keeps the lengths (':dl') instead of the list and a reader gets the same events, ids and
 * data rebuilt from the record (replayTurn). The list's length must match, else it is kept as usual.
 * Returns {'ok', next, messageCount, totalTokens, covers, coveredTokens, totalMs} | {'gone'}.
 */
export const COMMIT_RESPONSE = `${PRELUDE}
local seq = ARGV[4]
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':sg', seq .. ':at', seq .. ':in', seq .. ':ca', seq .. ':nx', seq .. ':ea')
if f[1] == 'completed' and f[3] == ARGV[5] and f[6] then
  local c = redis.call('HMGET', KEYS[1], 'mc', 'tt', 'sumc', 'sumtt')
  return {'ok', tonumber(f[6]), tonumber(c[1] or '0'), tonumber(c[2] or '0'), tonumber(c[3] or '0'), tonumber(c[4] or '0'), tonumber(f[7]) - tonumber(f[5])}
end
local o = redis.call('HMGET', KEYS[1], 'act', 'sumc', 'sumtt', 'mc', 'tt')
if o[1] ~= seq then return {'gone'} end
if f[1] ~= 'running' or f[2] ~= 'response' or f[3] ~= ARGV[5] then return {'gone'} end
local now = now_ms()
local label = cjson.encode(ARGV[11])
local len = redis.call('RPUSH', KEYS[2],
  '{"t":' .. ARGV[9] .. ',"r":"user","s":' .. seq .. ',"at":' .. f[5] .. ',"i":' .. label .. ',"c":' .. cjson.encode(f[4]) .. '}',
  '{"t":' .. ARGV[10] .. ',"r":"assistant","s":' .. seq .. ',"at":' .. now .. ',"i":' .. label .. ',"c":' .. cjson.encode(ARGV[6]) .. '}')
local mc = tonumber(o[4] or '0') + 2
local tt = tonumber(o[5] or '0') + tonumber(ARGV[9]) + tonumber(ARGV[10])
set_session('mc', mc)
set_session('tt', tt)
local nxt = handoff(now)
touch(now, nxt == 0 and 'idle' or 'same')
local evn = -1
if ARGV[14] ~= '' and ARGV[5] == '1' then
  local _, pieces = string.gsub(ARGV[14], '%d+', '')
  local n = redis.call('LLEN', evp .. seq)
  if n == 3 + pieces - (ARGV[13] ~= '' and 1 or 0) then evn = n end
end
-- the reply is kept once, as the assistant message: the turn records where it is (':oi', see turn_fields)
local rec = {seq .. ':st', 'completed', seq .. ':sg', '', seq .. ':oi', len - 1,
  seq .. ':us', ARGV[7], seq .. ':cx', ARGV[8], seq .. ':ea', now, seq .. ':mdl', ARGV[12], seq .. ':nx', nxt}
if evn >= 0 then table.insert(rec, seq .. ':dl'); table.insert(rec, ARGV[14]) end
redis.call('HSET', KEYS[3], unpack(rec))
if evn >= 0 then
  redis.call('DEL', evp .. seq)
  if ARGV[13] ~= '' then evn = evn + 1; announce(seq, evn, 'delta', ARGV[13]) end
  announce(seq, evn + 1, 'done', '')
else
  if ARGV[13] ~= '' then emit(seq, 'delta', ARGV[13]) end
  emit(seq, 'done', '')
end
return {'ok', nxt, mc, tt, tonumber(o[2] or '0'), tonumber(o[3] or '0'), now - tonumber(f[5])}
`;

/**
 * Fail. ARGV: 4 seq, 5 error JSON, 6 stage the caller ran ('intent' | 'response' | '' for any),
 * 7 its response attempt ('' for any). Ends a queued or running turn that still owns the session as
 * failed (invariant 4) and hands the session on — fenced like the commits: an intent-stage failure
 * only while the cursor is still at intent, a response-stage one only for the current attempt, so a
 * zombie of an earlier stage or attempt cannot fail the turn a live worker is running. A re-run with
 * the same error answers as the first run did. Returns {'ok', next, totalMs, intentJson} or {'gone'}.
 */
export const FAIL = `${PRELUDE}
local seq = ARGV[4]
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':ca', seq .. ':it', seq .. ':sg', seq .. ':at', seq .. ':er', seq .. ':nx', seq .. ':ea')
if f[1] == 'failed' and f[6] == ARGV[5] and f[7] then
  return {'ok', tonumber(f[7]), tonumber(f[8]) - tonumber(f[2]), f[3] or ''}
end
if not owns(seq) then return {'gone'} end
if f[1] ~= 'queued' and f[1] ~= 'running' then return {'gone'} end
if ARGV[6] == 'intent' and f[1] == 'running' and f[4] ~= 'intent' then return {'gone'} end
if ARGV[6] == 'response' and (f[4] ~= 'response' or (ARGV[7] ~= '' and f[5] ~= ARGV[7])) then return {'gone'} end
local now = now_ms()
local nxt = handoff(now)
redis.call('HSET', KEYS[3], seq .. ':st', 'failed', seq .. ':sg', '', seq .. ':er', ARGV[5], seq .. ':ea', now, seq .. ':nx', nxt)
emit(seq, 'done', '')
touch(now, nxt == 0 and 'idle' or 'same')
return {'ok', nxt, now - tonumber(f[2]), f[3] or ''}
`;

/**
 * Cancel. ARGV: 4 tenant, 5 seq, 6 request id (the gateway's id of this DELETE). Only a queued turn:
 * taken out of the mailbox, or — when it was already handed the session but no worker has started it —
 * the session moves on and START's fence refuses the stale job. A re-run with the same request id
 * answers as the first run did; any other cancel of an ended turn is a conflict.
 * Returns {'nf'} | {'conflict'} | {'ok', next, totalMs}.
 */
export const CANCEL = `${PRELUDE}
if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[4] then return {'nf'} end
local seq = ARGV[5]
local f = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':ca', seq .. ':cr', seq .. ':nx', seq .. ':ea')
if not f[1] then return {'nf'} end
if f[1] == 'cancelled' and ARGV[6] ~= '' and f[3] == ARGV[6] then return {'ok', tonumber(f[4] or '0'), tonumber(f[5]) - tonumber(f[2])} end
if f[1] ~= 'queued' then return {'conflict'} end
local now = now_ms()
local nxt = 0
local change = 'same' -- a turn cancelled out of the mailbox leaves the session busy with its owner
if owns(seq) then
  nxt = handoff(now)
  if nxt == 0 then change = 'idle' end
else
  redis.call('LREM', KEYS[4], 1, seq)
end
redis.call('HSET', KEYS[3], seq .. ':st', 'cancelled', seq .. ':sg', '', seq .. ':ea', now, seq .. ':cr', ARGV[6], seq .. ':nx', nxt)
emit(seq, 'done', '')
touch(now, change)
return {'ok', nxt, now - tonumber(f[2])}
`;

/**
 * Delete. ARGV: 4 tenant. Removes every key the session owns, its turns' event lists and its inflight
 * entry. Followers of its turns that have not ended are told at once: a 'gone' announcement on each
 * such turn's channel, and on the reply channel of a gateway waiting for it (?wait), so a stream
 * closes and a wait answers 404 instead of waiting for an end that will never come.
 */
export const DELETE = `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'tenant', 'seq', 'act')
if s[1] ~= ARGV[4] then return 0 end
local open = redis.call('LRANGE', KEYS[4], 0, -1)
if s[3] then table.insert(open, s[3]) end
for _, seq in ipairs(open) do
  local key = evp .. seq
  redis.call('PUBLISH', key, '0\\ngone\\n{"reason":"session_gone","message":"the session of this turn was deleted or has expired"}')
  local rt = redis.call('HGET', KEYS[3], seq .. ':rt')
  if rt then redis.call('PUBLISH', rt, cjson.encode({c = key, gone = true})) end
end
local n = tonumber(s[2] or '0')
for i = 1, n do redis.call('UNLINK', evp .. i) end
for i = 1, 6 do redis.call('UNLINK', KEYS[i]) end
redis.call('ZREM', KEYS[7], sid)
return 1
`;

/**
 * Summary commit. ARGV: 4 expected cut-off, 5 new cut-off, 6 text, 7 tokens, 8 tokens folded.
 * Compare-and-set on the cut-off: a stale summarizer never overwrites a newer summary, and messages
 * count as summarized only once this summary covering them is stored (invariant 6); a re-run of a
 * commit that took effect finds its own summary in place and answers {'ok'} again. Does not extend
 * the session's TTL: summarizing is not user activity.
 */
export const COMMIT_SUMMARY = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
local s = redis.call('HMGET', KEYS[1], 'sumc', 'sumt')
local cur = tonumber(s[1] or '0')
if cur == tonumber(ARGV[5]) and cur ~= tonumber(ARGV[4]) and s[2] == ARGV[6] then return {'ok'} end
if cur ~= tonumber(ARGV[4]) then return {'stale', cur} end
redis.call('HSET', KEYS[1], 'sumt', ARGV[6], 'sumk', ARGV[7], 'sumc', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'sumtt', tonumber(ARGV[8]))
return {'ok'}
`;

/** Summary read. ARGV: 4 messages to keep. The summary, its cut-off and the messages to fold, in one snapshot. */
export const READ_FOR_SUMMARY = `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'sumt', 'sumc', 'mc')
if not s[3] then return {'gone'} end
local covers, count = tonumber(s[2] or '0'), tonumber(s[3])
local upto = count - tonumber(ARGV[4])
if upto <= covers then return {'ok', s[1] or '', covers, covers} end
local out = {'ok', s[1] or '', covers, upto}
for _, m in ipairs(redis.call('LRANGE', KEYS[2], covers, upto - 1)) do table.insert(out, m) end
return out
`;

/** Session read: the record, pending count, state history and TTL in one round trip. ARGV: 4 tenant. */
export const READ_SESSION = `${PRELUDE}
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {'nf'} end
local rec = {}
for i = 1, #h, 2 do rec[h[i]] = h[i + 1] end
if rec.tenant ~= ARGV[4] then return {'nf'} end
local pending = redis.call('LLEN', KEYS[4])
if rec.act and redis.call('HGET', KEYS[3], rec.act .. ':st') == 'queued' then pending = pending + 1 end
return {'ok', h, pending, redis.call('LRANGE', KEYS[5], 0, -1)}
`;

/** Turn read: the turn's fields (see TURN_FIELDS), after the tenant check. ARGV: 4 tenant, 5 seq. */
export const READ_TURN = `${PRELUDE}
if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[4] then return {'nf'} end
local v = turn_fields(ARGV[5])
if not v then return {'nf'} end
return {'ok', v}
`;

/**
 * Events read. ARGV: 4 seq, 5 list index to read from (= the id after which to read). Returns
 * {'ok', rows} with the events from there, oldest first. Only when there are none and the list does not
 * exist at all (a session kept forever drops a turn's events a day after its last one; a turn from
 * before the lists' key segment has none under it) does it look further and return {'gone', turn
 * fields} (TURN_FIELDS, {} for an unknown turn), from which the caller replays an ended turn: the
 * common read is still one round trip and one LRANGE.
 */
export const READ_EVENTS = `${PRELUDE}
local key = evp .. ARGV[4]
local rows = redis.call('LRANGE', key, tonumber(ARGV[5]), -1)
if #rows > 0 or redis.call('EXISTS', key) == 1 then return {'ok', rows} end
return {'gone', turn_fields(ARGV[4]) or {}}
`;

/**
 * Messages page. ARGV: 4 tenant, 5 limit, 6 before (1-based position, 0 = none). Returns
 * {'nf'} | {'bad'} | {'ok', firstIndex, covers, msgs...} (oldest first).
 */
export const READ_MESSAGES = `${PRELUDE}
local s = redis.call('HMGET', KEYS[1], 'tenant', 'mc', 'sumc')
if s[1] ~= ARGV[4] then return {'nf'} end
local count = tonumber(s[2] or '0')
local before = tonumber(ARGV[6])
local stop = count
if before > 0 then
  if before > count then return {'bad'} end
  stop = before - 1
end
local start = math.max(0, stop - tonumber(ARGV[5]))
local out = {'ok', start, tonumber(s[3] or '0')}
if stop > start then
  for _, m in ipairs(redis.call('LRANGE', KEYS[2], start, stop - 1)) do table.insert(out, m) end
end
return out
`;

/**
 * Reconciler probe. Returns {'idle'} (and drops the session from inflight) or {'active', seq, status,
 * stage, attempt} for the turn that owns the session.
 */
export const PROBE_ACTIVE = `${PRELUDE}
local act = redis.call('HGET', KEYS[1], 'act')
if not act then
  redis.call('ZREM', KEYS[7], sid)
  return {'idle'}
end
local f = redis.call('HMGET', KEYS[3], act .. ':st', act .. ':sg', act .. ':at')
return {'active', tonumber(act), f[1] or '', f[2] or '', f[3] or ''}
`;

/**
 * Release of an ended owner. ARGV: 4 seq. For a session whose active turn has ended but still owns it
 * (a script stopped between its writes, or data from before the hand-off moved up): hands the session
 * to its next turn, and ends the turn's event list with 'done' if it has none. Fenced on that turn
 * still owning the session, so a re-run is {'gone'}.
 * Returns {'ok', next} | {'gone'}.
 */
export const RELEASE_ENDED = `${PRELUDE}
local seq = ARGV[4]
if not owns(seq) then return {'gone'} end
local r = redis.call('HMGET', KEYS[3], seq .. ':st', seq .. ':dl')
local st = r[1]
if st ~= 'completed' and st ~= 'failed' and st ~= 'cancelled' then return {'gone'} end
local now = now_ms()
-- a script stopped before its 'done': followers still get one, and the list its TTL (a turn that kept
-- its deltas' lengths instead of its list announced its 'done' in the same script)
local last = not r[2] and redis.call('LINDEX', evp .. seq, -1)
if not r[2] and (not last or string.sub(last, 1, 5) ~= 'done\\n') then emit(seq, 'done', '') end
local nxt = handoff(now)
redis.call('HSET', KEYS[3], seq .. ':nx', nxt)
touch(now)
return {'ok', nxt}
`;

/**
 * Rate-limit wait. ARGV: 4 seq, 5 ms about to be waited. Adds to the turn's total wait on provider
 * rate limits and returns the new total, or -1 when the turn no longer owns the session. A re-run
 * counts the wait twice: the cap (TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS) errs early, never late.
 */
export const RATE_LIMIT_WAIT = `${PRELUDE}
local seq = ARGV[4]
if not owns(seq) then return -1 end
return redis.call('HINCRBY', KEYS[3], seq .. ':rw', tonumber(ARGV[5]))
`;
