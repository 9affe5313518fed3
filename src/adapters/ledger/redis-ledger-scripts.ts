/**
 * The Lua scripts behind the Redis ledger. Each runs atomically on the server, using the
 * server's clock, so replicas with skewed clocks still agree on what has expired.
 *
 * Money arrives as decimal strings of picodollars. Lua numbers are doubles (exact only to
 * 2^53, about $9,007 in picodollars), so every amount is split into two exact halves, whole
 * dollars and leftover picodollars, and added and compared half by half.
 */
// Internal: redisScript stays out of the public index of adapters/stores.
import { redisScript } from "../stores/redis-connection.js";

const MONEY = `
local BASE = 1000000000000
local function parse(text)
  if not text then return {0, 0} end
  local length = string.len(text)
  if length <= 12 then return {0, tonumber(text)} end
  return {tonumber(string.sub(text, 1, length - 12)), tonumber(string.sub(text, length - 11))}
end
local function add(a, b)
  local high = a[1] + b[1]
  local low = a[2] + b[2]
  if low >= BASE then
    low = low - BASE
    high = high + 1
  end
  return {high, low}
end
local function greater(a, b)
  if a[1] ~= b[1] then return a[1] > b[1] end
  return a[2] > b[2]
end
local function format(a)
  if a[1] == 0 then return string.format('%.0f', a[2]) end
  return string.format('%.0f', a[1]) .. string.format('%012.0f', a[2])
end
-- Money moves only while the epoch key (when one is given) exists: Redis that lost its data
-- (restarted without persistence) has lost it too, and must be rebuilt first.
local function state_lost(epoch)
  return epoch ~= nil and epoch ~= '' and redis.call('EXISTS', epoch) == 0
end
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function sweep(active_key, amounts_key, now)
  local expired = redis.call('ZRANGEBYSCORE', active_key, '-inf', now)
  for _, id in ipairs(expired) do redis.call('HDEL', amounts_key, id) end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', active_key, '-inf', now) end
end
local function reserved_sum(amounts_key)
  local sum = {0, 0}
  for _, value in ipairs(redis.call('HVALS', amounts_key)) do sum = add(sum, parse(value)) end
  return sum
end
local function charge(spent_key, amount)
  local total = format(add(parse(redis.call('GET', spent_key)), parse(amount)))
  redis.call('SET', spent_key, total)
  return total
end
local function append(log_key, sequence_key, time, json)
  local sequence = redis.call('INCR', sequence_key)
  redis.call('ZADD', log_key, time, string.format('%016.0f', sequence) .. ':' .. json)
end
`;

/**
 * KEYS: for each scope in order its spent, active (zset id→expiresAt) and amounts (hash
 * id→amount) keys, then the reservation hash. ARGV: amount, ttlMs, lateSettleWindowMs, id,
 * scopes JSON, encoded scopes JSON, one limit per scope, then the epoch key ("" for none:
 * {-2} and nothing written when it is missing). Every scope is checked before
 * anything is written, so all are held or none. Returns {1, expiresAt, then each scope's spent
 * and reserved with this reservation held} or {0, index of the scope that refused (from 1),
 * spent, reserved}.
 *
 * Redis Cluster would need every key of one call in one slot (a hash tag shared by a key's
 * scopes); this engine targets standalone Redis or one primary.
 */
export const reserveScript = redisScript(`${MONEY}
local count = (#KEYS - 1) / 3
if state_lost(ARGV[7 + count]) then return {-2} end
local now = now_ms()
local amount = parse(ARGV[1])
local balances = {}
for index = 1, count do
  local base = (index - 1) * 3
  sweep(KEYS[base + 2], KEYS[base + 3], now)
  local spent = parse(redis.call('GET', KEYS[base + 1]))
  local reserved = reserved_sum(KEYS[base + 3])
  if greater(add(add(spent, reserved), amount), parse(ARGV[6 + index])) then
    return {0, index, format(spent), format(reserved)}
  end
  balances[#balances + 1] = format(spent)
  balances[#balances + 1] = format(add(reserved, amount))
end
local expires_at = now + tonumber(ARGV[2])
for index = 1, count do
  local base = (index - 1) * 3
  redis.call('ZADD', KEYS[base + 2], expires_at, ARGV[4])
  redis.call('HSET', KEYS[base + 3], ARGV[4], ARGV[1])
end
local reservation = KEYS[#KEYS]
redis.call('HSET', reservation, 'scopes', ARGV[5], 'encodedScopes', ARGV[6], 'amount', ARGV[1])
redis.call('PEXPIRE', reservation, tonumber(ARGV[2]) + tonumber(ARGV[3]))
local reply = {1, string.format('%.0f', expires_at)}
for _, value in ipairs(balances) do reply[#reply + 1] = value end
return reply
`);

/**
 * KEYS: reservation. ARGV: prefix, id, ttlMs, lateSettleWindowMs. Extends the lease on every
 * scope when it is still active by the server's clock. Returns {expiresAt, scopes JSON,
 * amount}, or nil when the reservation expired, was settled or released, or is unknown.
 */
export const renewScript = redisScript(`${MONEY}
local fields = redis.call('HMGET', KEYS[1], 'scopes', 'encodedScopes', 'amount', 'settled')
if not fields[1] or fields[4] then return false end
local encoded = cjson.decode(fields[2])
local now = now_ms()
for _, scope in ipairs(encoded) do
  local score = redis.call('ZSCORE', ARGV[1] .. 'active:' .. scope, ARGV[2])
  if not score or tonumber(score) <= now then return false end
end
local expires_at = now + tonumber(ARGV[3])
for _, scope in ipairs(encoded) do
  redis.call('ZADD', ARGV[1] .. 'active:' .. scope, 'XX', expires_at, ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[4]))
return {string.format('%.0f', expires_at), fields[1], fields[3]}
`);

/**
 * KEYS: reservation, log, log sequence. ARGV: prefix, id, actual, record JSON without scope
 * and cost ("" for none), record time, lateSettleWindowMs, the epoch key ("" for none: {-2}
 * and nothing written when it is missing). Charges every scope and writes one
 * record; the reservation hash then remembers the result for the late-settle window, so a
 * retried settle returns it and charges nothing. Returns {scopes JSON, reserved, actual}, on
 * the first settle followed by each scope's spent and reserved as it left them (expired
 * reservations freed first, as a balance read would), or nil when unknown.
 */
export const settleScript = redisScript(`${MONEY}
if state_lost(ARGV[7]) then return {-2} end
local fields = redis.call('HMGET', KEYS[1], 'scopes', 'encodedScopes', 'amount', 'settled', 'actual')
if not fields[1] then return false end
if fields[4] then return {fields[1], fields[3], fields[5]} end
local scopes = cjson.decode(fields[1])
local now = now_ms()
local balances = {}
for _, scope in ipairs(cjson.decode(fields[2])) do
  local active_key = ARGV[1] .. 'active:' .. scope
  local amounts_key = ARGV[1] .. 'amounts:' .. scope
  redis.call('ZREM', active_key, ARGV[2])
  redis.call('HDEL', amounts_key, ARGV[2])
  balances[#balances + 1] = charge(ARGV[1] .. 'spent:' .. scope, ARGV[3])
  sweep(active_key, amounts_key, now)
  balances[#balances + 1] = format(reserved_sum(amounts_key))
end
if ARGV[4] ~= '' then
  local all = ''
  if #scopes > 1 then all = ',"scopes":' .. fields[1] end
  local json = '{"scope":' .. cjson.encode(scopes[1]) .. all .. ',"cost":"' .. ARGV[3] .. '",' .. string.sub(ARGV[4], 2)
  append(KEYS[2], KEYS[3], tonumber(ARGV[5]), json)
end
redis.call('HSET', KEYS[1], 'settled', '1', 'actual', ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
local reply = {fields[1], fields[3], ARGV[3]}
for _, value in ipairs(balances) do reply[#reply + 1] = value end
return reply
`);

/**
 * KEYS: reservation. ARGV: prefix, id. Returns 1 when a reservation was released, else 0 (none,
 * or already settled: releasing then changes nothing).
 */
export const releaseScript = redisScript(`
local fields = redis.call('HMGET', KEYS[1], 'encodedScopes', 'settled')
if not fields[1] or fields[2] then return 0 end
for _, scope in ipairs(cjson.decode(fields[1])) do
  redis.call('ZREM', ARGV[1] .. 'active:' .. scope, ARGV[2])
  redis.call('HDEL', ARGV[1] .. 'amounts:' .. scope, ARGV[2])
end
redis.call('DEL', KEYS[1])
return 1
`);

/** KEYS: spent, active, amounts. Frees expired reservations; returns {spent, reserved}. */
export const balanceScript = redisScript(`${MONEY}
sweep(KEYS[2], KEYS[3], now_ms())
return {format(parse(redis.call('GET', KEYS[1]))), format(reserved_sum(KEYS[3]))}
`);

/**
 * KEYS: log, log sequence, then the spent key of every scope. ARGV: cost, time, record JSON,
 * the epoch key ("" for none: -2 and nothing written when it is missing).
 */
export const recordScript = redisScript(`${MONEY}
if state_lost(ARGV[4]) then return -2 end
for index = 3, #KEYS do charge(KEYS[index], ARGV[1]) end
append(KEYS[1], KEYS[2], tonumber(ARGV[2]), ARGV[3])
return 1
`);
