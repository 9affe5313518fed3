/**
 * The Lua scripts behind the Redis ledger. Each runs atomically on the server, using the
 * server's clock, so replicas with skewed clocks still agree on what has expired.
 *
 * Money arrives as decimal strings of picodollars. Lua numbers are doubles (exact only to
 * 2^53, about $9,007 in picodollars), so every amount is split into two exact halves, whole
 * dollars and leftover picodollars, and added and compared half by half.
 */
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
  redis.call('SET', spent_key, format(add(parse(redis.call('GET', spent_key)), parse(amount))))
end
local function append(log_key, sequence_key, time, json)
  local sequence = redis.call('INCR', sequence_key)
  redis.call('ZADD', log_key, time, string.format('%016.0f', sequence) .. ':' .. json)
end
`;

/**
 * KEYS: spent, active (zset id→expiresAt), amounts (hash id→amount), reservation (hash).
 * ARGV: amount, limit, ttlMs, lateSettleWindowMs, id, scope, encodedScope.
 * Returns {1, expiresAt} or {0, spent, reserved}.
 */
export const reserveScript = redisScript(`${MONEY}
local now = now_ms()
sweep(KEYS[2], KEYS[3], now)
local spent = parse(redis.call('GET', KEYS[1]))
local reserved = reserved_sum(KEYS[3])
if greater(add(add(spent, reserved), parse(ARGV[1])), parse(ARGV[2])) then
  return {0, format(spent), format(reserved)}
end
local expires_at = now + tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], expires_at, ARGV[5])
redis.call('HSET', KEYS[3], ARGV[5], ARGV[1])
redis.call('HSET', KEYS[4], 'scope', ARGV[6], 'encodedScope', ARGV[7], 'amount', ARGV[1])
redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[3]) + tonumber(ARGV[4]))
return {1, string.format('%.0f', expires_at)}
`);

/**
 * KEYS: reservation, log, log sequence. ARGV: prefix, id, actual, record JSON without scope
 * and cost ("" for none), record time. Returns {scope, reserved} or nil when unknown.
 */
export const settleScript = redisScript(`${MONEY}
local fields = redis.call('HMGET', KEYS[1], 'scope', 'encodedScope', 'amount')
if not fields[1] then return false end
local scope, encoded, amount = fields[1], fields[2], fields[3]
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[1] .. 'active:' .. encoded, ARGV[2])
redis.call('HDEL', ARGV[1] .. 'amounts:' .. encoded, ARGV[2])
charge(ARGV[1] .. 'spent:' .. encoded, ARGV[3])
if ARGV[4] ~= '' then
  local json = '{"scope":' .. cjson.encode(scope) .. ',"cost":"' .. ARGV[3] .. '",' .. string.sub(ARGV[4], 2)
  append(KEYS[2], KEYS[3], tonumber(ARGV[5]), json)
end
return {scope, amount}
`);

/** KEYS: reservation. ARGV: prefix, id. Returns 1 when a reservation was released, else 0. */
export const releaseScript = redisScript(`
local encoded = redis.call('HGET', KEYS[1], 'encodedScope')
if not encoded then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[1] .. 'active:' .. encoded, ARGV[2])
redis.call('HDEL', ARGV[1] .. 'amounts:' .. encoded, ARGV[2])
return 1
`);

/** KEYS: spent, active, amounts. Frees expired reservations; returns {spent, reserved}. */
export const balanceScript = redisScript(`${MONEY}
sweep(KEYS[2], KEYS[3], now_ms())
return {format(parse(redis.call('GET', KEYS[1]))), format(reserved_sum(KEYS[3]))}
`);

/** KEYS: spent, log, log sequence. ARGV: cost, time, record JSON. */
export const recordScript = redisScript(`${MONEY}
charge(KEYS[1], ARGV[1])
append(KEYS[2], KEYS[3], tonumber(ARGV[2]), ARGV[3])
return 1
`);
