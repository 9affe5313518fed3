/**
 * Rate limits counted in this process: exact and instant, for one gateway replica or tests.
 * The rule is the sliding window log of {@link decideTake}.
 */
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../../../adapters/stores/engine-lifecycle.js";
import { assertTake, decideTake, type WindowEntry, windowOf } from "./sliding-window.js";
import type { RateLimiter } from "./types.js";

export interface MemoryRateLimiterOptions {
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** The window rpm and tpm count over (default 60,000 ms); shorter only in tests. */
  windowMs?: number;
}

/**
 * @example
 * ```ts
 * const limiter = createMemoryRateLimiter();
 * const decision = await limiter.take({ id: key.id, rpm: 600, tpm: 100_000 }, 1200);
 * if (!decision.allowed) console.log(`retry in ${decision.retryAfterMs} ms`);
 * ```
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const windowMs = windowOf(options.windowMs);
  const logs = new Map<string, { entries: WindowEntry[]; tokens: number }>();
  const lifecycle = createEngineLifecycle("memory rate limiter");
  return {
    async take(key, tokens) {
      assertTake(key, tokens);
      lifecycle.ensureOpen();
      if (key.rpm === undefined && key.tpm === undefined) return { allowed: true };
      const at = now();
      const log = logs.get(key.id) ?? { entries: [], tokens: 0 };
      let expired = 0;
      while (expired < log.entries.length && (log.entries[expired]?.at ?? at) <= at - windowMs) {
        log.tokens -= log.entries[expired]?.tokens ?? 0;
        expired++;
      }
      log.entries.splice(0, expired);
      const decision = decideTake({
        key,
        tokens,
        now: at,
        windowMs,
        state: { count: log.entries.length, tokens: log.tokens, entries: () => log.entries },
      });
      if (decision.allowed) {
        log.entries.push({ at, tokens });
        log.tokens += tokens;
      }
      if (log.entries.length === 0) logs.delete(key.id);
      else logs.set(key.id, log);
      return decision;
    },
    async close() {
      if (lifecycle.close()) logs.clear();
    },
  };
}
