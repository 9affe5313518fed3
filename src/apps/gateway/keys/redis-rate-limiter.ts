/**
 * Rate limits in Redis, shared by every gateway replica. Each take is one Lua script, so it is
 * atomic on the server, and time is the server's clock (`TIME`), so replicas with skewed
 * clocks still agree. The rule is the sliding window log of {@link decideTake}, written again
 * in Lua: per key, a sorted set of admitted requests ("<seq>:<tokens>" scored by time in ms)
 * and a running token total, both expiring one window after the last admission.
 */

// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../../../adapters/stores/engine-lifecycle.js";
// Internal: assertRedisPrefix, redisScript, runRedisScript stays out of the public index of adapters/stores.
import {
  assertRedisPrefix,
  openRedisConnection,
  type RedisConnectionOptions,
  redisScript,
  runRedisScript,
} from "../../../adapters/stores/redis-connection.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import { assertTake, windowOf } from "./sliding-window.js";
import type { RateLimitDecision, RateLimiter } from "./types.js";

export interface RedisRateLimiterOptions extends RedisConnectionOptions {
  /** Namespace put before every key (default "tokenwise:rate:"). */
  prefix?: string;
  /** The window rpm and tpm count over (default 60,000 ms); shorter only in tests. */
  windowMs?: number;
}

// Returns { allowed (1/0), retryAfterMs (-1: never fits), count, tokens, refusedBy }.
// Limits of 0 mean unlimited. The checks mirror decideTake in sliding-window.ts.
const takeScript = redisScript(`
local log, total, seq = KEYS[1], KEYS[2], KEYS[3]
local rpm, tpm, tokens, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function tokensOf(member) return tonumber(string.match(member, ':(%d+)$')) end
local expired = redis.call('ZRANGEBYSCORE', log, '-inf', now - window)
if #expired > 0 then
  local freed = 0
  for _, member in ipairs(expired) do freed = freed + tokensOf(member) end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  redis.call('DECRBY', total, freed)
end
local count = redis.call('ZCARD', log)
local sum = tonumber(redis.call('GET', total) or '0')
local wait, refused = 0, ''
if rpm > 0 and count + 1 > rpm then
  local entry = redis.call('ZRANGE', log, count - rpm, count - rpm, 'WITHSCORES')
  wait, refused = tonumber(entry[2]) + window - now, 'rpm'
end
if tpm > 0 and sum + tokens > tpm then
  if tokens > tpm then return {0, -1, count, sum, 'tpm'} end
  local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
  local freed = 0
  for i = 1, #entries, 2 do
    freed = freed + tokensOf(entries[i])
    if sum - freed + tokens <= tpm then
      local entryWait = tonumber(entries[i + 1]) + window - now
      if entryWait > wait then wait, refused = entryWait, 'tpm' end
      break
    end
  end
end
if refused ~= '' then return {0, wait, count, sum, refused} end
local id = redis.call('INCR', seq)
redis.call('ZADD', log, now, id .. ':' .. tokens)
redis.call('INCRBY', total, tokens)
redis.call('PEXPIRE', log, window)
redis.call('PEXPIRE', total, window)
redis.call('PEXPIRE', seq, window)
return {1, 0, count + 1, sum + tokens, ''}
`);

/**
 * @example
 * ```ts
 * const limiter = createRedisRateLimiter({ url: "redis://127.0.0.1:6379" });
 * const decision = await limiter.take({ id: key.id, rpm: 600, tpm: 100_000 }, 1200);
 * await limiter.close();
 * ```
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const prefix = options.prefix ?? "tokenwise:rate:";
  assertRedisPrefix(prefix);
  const windowMs = windowOf(options.windowMs);
  const { client, owned } = openRedisConnection(options);
  const lifecycle = createEngineLifecycle("Redis rate limiter");
  return {
    async take(key, tokens) {
      assertTake(key, tokens);
      lifecycle.ensureOpen();
      if (key.rpm === undefined && key.tpm === undefined) return { allowed: true };
      // One hash tag per key keeps its three entries in one Redis Cluster slot.
      const base = `${prefix}{${key.id}}`;
      const reply = await lifecycle.runAsync("take", () =>
        runRedisScript({
          client,
          script: takeScript,
          keys: [`${base}:log`, `${base}:tokens`, `${base}:seq`],
          args: [String(key.rpm ?? 0), String(key.tpm ?? 0), String(tokens), String(windowMs)],
        }),
      );
      return toDecision(reply, key);
    },
    async close() {
      if (lifecycle.close() && owned) await client.quit();
    },
  };
}

function toDecision(
  reply: unknown,
  key: { rpm?: number | undefined; tpm?: number | undefined },
): RateLimitDecision {
  if (!Array.isArray(reply) || reply.length !== 5) {
    throw new TokenwiseError("store_error", "Redis rate limiter take got an unexpected reply");
  }
  const [allowed, wait, count, tokens, refusedBy] = reply as [
    number,
    number,
    number,
    number,
    string,
  ];
  const decision: RateLimitDecision = { allowed: allowed === 1 };
  if (!decision.allowed) {
    if (wait >= 0) decision.retryAfterMs = wait;
    decision.refusedBy = refusedBy === "tpm" ? "tpm" : "rpm";
  }
  if (key.rpm !== undefined) decision.remainingRequests = Math.max(0, key.rpm - count);
  if (key.tpm !== undefined) decision.remainingTokens = Math.max(0, key.tpm - tokens);
  return decision;
}
