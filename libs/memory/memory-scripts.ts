/*
 * The memory Lua scripts. Each runs atomically on the user's partition slot. KEYS = memoryKeys().scriptKeys
 * (1 meta, 2 records, 3 vectors, 4 creation order, 5 last use, 6 applied turns, 7 lease, 8 written-at).
 * Record fields: t text, k kind, ca created ms, ua updated ms, src source turn id ('' by hand),
 * sup [{t text, u until ms}]. Times come from the Redis server clock.
 * 'ver' in the meta hash rises with every change of content and never goes back, not even across a
 * delete-all (it is at least the clock in ms): a reader holding a copy at ver v asks only for what was
 * written after v (SNAPSHOT), and a writer can tell that what it decided on is still current (APPLY).
 * 'gen' in the meta hash names the user's memory since its last delete-all (the server clock in µs when
 * a memory job first found it, a string: it is compared, never computed with). A delete-all removes it
 * with everything else, so any later job finds another: a job that started before the delete holds the
 * old one, and APPLY refuses it ('erased') without leaving any trace of the erased user behind.
 */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function cur_ver()
  return tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
end
local function next_ver(now)
  return math.max(cur_ver() + 1, now)
end
-- the score of a use (KEYS[5]): the clock in ms, but always above every earlier use of the user, so two
-- uses in one millisecond keep their order and the cap evicts the one used first, not the lower id
local function use_clock(now)
  local top = redis.call('ZRANGE', KEYS[5], -1, -1, 'WITHSCORES')
  return math.max(now, (tonumber(top[2]) or 0) + 1)
end
local function remove(id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  redis.call('ZREM', KEYS[8], id)
end
local function put_new(id, text, kind, vec, src, now, ver, used)
  local ord = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  redis.call('HSET', KEYS[2], id, cjson.encode({t = text, k = kind, ca = now, ua = now, src = src, sup = {}}))
  redis.call('HSET', KEYS[3], id, vec)
  redis.call('ZADD', KEYS[4], ord, id)
  redis.call('ZADD', KEYS[5], used, id)
  redis.call('ZADD', KEYS[8], ver, id)
end
-- the cap: the least recently used go first (a memory counts as used when written or placed in a prompt)
local function evict(max)
  local n = redis.call('ZCARD', KEYS[5])
  if n <= max then return 0 end
  local ids = redis.call('ZRANGE', KEYS[5], 0, n - max - 1)
  for _, id in ipairs(ids) do remove(id) end
  return #ids
end
`;

/** Add by hand. ARGV: 1 id, 2 text, 3 kind, 4 vector, 5 max per user. Returns {record JSON}. */
export const ADD = `${PRELUDE}
local now = now_ms()
local ver = next_ver(now)
put_new(ARGV[1], ARGV[2], ARGV[3], ARGV[4], '', now, ver, use_clock(now))
evict(tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], 'ver', ver)
return redis.call('HGET', KEYS[2], ARGV[1])
`;

/**
 * Lease for one memory job. ARGV: 1 token, 2 turn id, 3 lease ms, 4 the generation an earlier run of the
 * job started in ('' on its first run). {'applied'} when the turn's extraction is already in (a retry has
 * nothing to do); {'busy'} while another job of this user holds the lease; {'erased'} when the job's
 * generation was deleted meanwhile (nothing is written then, so no key of the user comes back); else
 * {'ok', gen} (taken, or renewed by its holder), gen being the user's generation, begun now when none.
 */
export const ACQUIRE = `
if redis.call('ZSCORE', KEYS[6], ARGV[2]) then return {'applied'} end
local cur = redis.call('GET', KEYS[7])
if cur and cur ~= ARGV[1] then return {'busy'} end
if ARGV[4] ~= '' and redis.call('HGET', KEYS[1], 'gen') ~= ARGV[4] then return {'erased'} end
local t = redis.call('TIME')
redis.call('HSETNX', KEYS[1], 'gen', t[1] .. string.format('%06d', tonumber(t[2])))
redis.call('SET', KEYS[7], ARGV[1], 'PX', tonumber(ARGV[3]))
return {'ok', redis.call('HGET', KEYS[1], 'gen')}
`;

/** Gives the lease back, only when `ARGV[1]` still holds it. */
export const RELEASE = `
if redis.call('GET', KEYS[7]) == ARGV[1] then redis.call('DEL', KEYS[7]) end
return 1
`;

/**
 * A turn's extraction, applied exactly once. ARGV: 1 lease token, 2 turn id, 3 ver the decision was
 * made on, 4 max per user, 5 ops JSON [{o 'a'|'u', id, t, k}], 6 ids of memories placed in the turn's
 * prompt (JSON), 7 how long applied-turn marks are kept (ms), 8 the generation the job started in
 * (ACQUIRE), 9.. one vector per op.
 * Fenced four ways: the user's memory must not have been deleted since the job started (gen; a job that
 * read the conversation before a delete-all never writes after it: 'erased'); the lease must still be
 * this job's (a job whose lease ran out is a zombie: it may not write); the turn must not be applied
 * yet (the mark is written here, with the changes); and the memories must be as they were read (ver),
 * or the decision is redone on fresh data ('stale').
 * An update keeps the text it replaces in 'sup', with when it stopped being true.
 * Returns {'ok', added, updated, evicted} | {'erased'} | {'lost'} | {'dup'} | {'stale'}.
 */
export const APPLY = `${PRELUDE}
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[8] then return {'erased'} end
if redis.call('GET', KEYS[7]) ~= ARGV[1] then return {'lost'} end
if redis.call('ZSCORE', KEYS[6], ARGV[2]) then
  redis.call('DEL', KEYS[7])
  return {'dup'}
end
if cur_ver() ~= tonumber(ARGV[3]) then return {'stale'} end
local now = now_ms()
local ver = next_ver(now)
local used = use_clock(now)
local added, updated = 0, 0
for i, op in ipairs(cjson.decode(ARGV[5])) do
  local vec = ARGV[8 + i]
  local raw = op.o == 'u' and redis.call('HGET', KEYS[2], op.id)
  if raw then
    local rec = cjson.decode(raw)
    local sup = {}
    if type(rec.sup) == 'table' then for _, s in ipairs(rec.sup) do table.insert(sup, s) end end
    table.insert(sup, {t = rec.t, u = now})
    rec.t, rec.k, rec.ua, rec.src, rec.sup = op.t, op.k, now, ARGV[2], sup
    redis.call('HSET', KEYS[2], op.id, cjson.encode(rec))
    redis.call('HSET', KEYS[3], op.id, vec)
    redis.call('ZADD', KEYS[5], used, op.id)
    redis.call('ZADD', KEYS[8], ver, op.id)
    updated = updated + 1
  else
    put_new(op.id, op.t, op.k, vec, ARGV[2], now, ver, used)
    added = added + 1
  end
end
for _, id in ipairs(cjson.decode(ARGV[6])) do redis.call('ZADD', KEYS[5], 'XX', used, id) end
local evicted = evict(tonumber(ARGV[4]))
if added + updated + evicted > 0 then redis.call('HSET', KEYS[1], 'ver', ver) end
redis.call('ZADD', KEYS[6], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now - tonumber(ARGV[7]))
redis.call('DEL', KEYS[7])
return {'ok', added, updated, evicted}
`;

/**
 * Everything retrieval needs, in one round trip, sending only what the reader lacks. ARGV: 1 the ver of
 * the reader's copy, or '' for none. Returns {ver} when that copy is current; else {ver, ids of every
 * memory, ids written after the reader's ver, their records, their vectors}.
 */
export const SNAPSHOT = `
local ver = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if ARGV[1] ~= '' and tonumber(ARGV[1]) == ver then return {ver} end
local ids = redis.call('ZRANGE', KEYS[8], 0, -1)
local changed = ids
if ARGV[1] ~= '' then changed = redis.call('ZRANGEBYSCORE', KEYS[8], '(' .. ARGV[1], '+inf') end
if #changed == 0 then return {ver, ids, {}, {}, {}} end
return {ver, ids, changed, redis.call('HMGET', KEYS[2], unpack(changed)), redis.call('HMGET', KEYS[3], unpack(changed))}
`;

/**
 * Listing, newest first. ARGV: 1 limit, 2 before (a memory id, '' for none). Returns {'bad'} for an
 * unknown `before`, else {'ok', more (0|1), ids..., records...}.
 */
export const LIST = `
local hi = '+inf'
if ARGV[2] ~= '' then
  local s = redis.call('ZSCORE', KEYS[4], ARGV[2])
  if not s then return {'bad'} end
  hi = '(' .. s
end
local limit = tonumber(ARGV[1])
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[4], hi, '-inf', 'LIMIT', 0, limit + 1)
local more = 0
if #ids > limit then
  more = 1
  table.remove(ids)
end
local out = {'ok', more}
if #ids == 0 then return out end
local recs = redis.call('HMGET', KEYS[2], unpack(ids))
for _, id in ipairs(ids) do table.insert(out, id) end
for _, r in ipairs(recs) do table.insert(out, r or '') end
return out
`;

/** One memory. ARGV: 1 id. Returns 1, or 0 when there is no such memory. */
export const REMOVE = `${PRELUDE}
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
remove(ARGV[1])
redis.call('HSET', KEYS[1], 'ver', next_ver(now_ms()))
return 1
`;

/** Everything of the user: every key above, lease and applied marks included (the right to be forgotten). */
export const REMOVE_ALL = `
for i = 1, 8 do redis.call('UNLINK', KEYS[i]) end
return 1
`;
