/**
 * The behaviour every {@link RateLimiter} engine must show. Each engine's test file calls
 * {@link describeRateLimiterConformance} with a factory; the tests themselves never change.
 * Engines with their own clock (Redis) run with a short window and real waiting, so expected
 * waits are checked to within `slackMs`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../../../core/errors/index.js";
import type { RateLimitDecision, RateLimiter } from "../types.js";

export interface RateLimiterHarness {
  limiter: RateLimiter;
  /** The window the limiter was created with. */
  windowMs: number;
  /** Moves the limiter's clock forward (a manual clock, or real waiting). */
  advance: (ms: number) => Promise<void>;
  /** How far a measured wait may fall short of the expected one (0 with a manual clock). */
  slackMs: number;
  cleanup: () => Promise<void>;
}

/**
 * @example
 * ```ts
 * describeRateLimiterConformance("memory", async () => {
 *   const clock = createManualClock();
 *   const limiter = createMemoryRateLimiter({ now: clock.now });
 *   return { limiter, windowMs: 60_000, advance: clock.advance, slackMs: 0, cleanup: () => limiter.close() };
 * });
 * ```
 */
export function describeRateLimiterConformance(
  name: string,
  factory: () => Promise<RateLimiterHarness>,
): void {
  describe(`RateLimiter conformance: ${name}`, () => {
    let harness: RateLimiterHarness;
    let limiter: RateLimiter;
    let window: number;
    let keyNumber = 0;
    const newId = () => `key_${name.replace(/\W/g, "")}${Date.now()}x${keyNumber++}`;
    const expectWait = (decision: RateLimitDecision, expected: number) => {
      expect(decision.allowed).toBe(false);
      expect(decision.retryAfterMs).toBeLessThanOrEqual(expected);
      expect(decision.retryAfterMs).toBeGreaterThanOrEqual(Math.max(1, expected - harness.slackMs));
    };
    beforeEach(async () => {
      harness = await factory();
      limiter = harness.limiter;
      window = harness.windowMs;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it("admits everything for a key without limits, reporting nothing left", async () => {
      const key = { id: newId() };
      for (let i = 0; i < 5; i++)
        expect(await limiter.take(key, 1_000_000)).toEqual({ allowed: true });
    });

    it("admits rpm requests, then refuses until the oldest leaves the window", async () => {
      const key = { id: newId(), rpm: 3 };
      const remaining = [];
      for (let i = 0; i < 3; i++) remaining.push((await limiter.take(key, 0)).remainingRequests);
      expect(remaining).toEqual([2, 1, 0]);
      const refused = await limiter.take(key, 0);
      expect(refused).toMatchObject({ allowed: false, refusedBy: "rpm", remainingRequests: 0 });
      expectWait(refused, window);
    });

    it("slides: a refused take is not counted, and each entry frees its own slot", async () => {
      const key = { id: newId(), rpm: 2 };
      const half = window / 2;
      expect((await limiter.take(key, 0)).allowed).toBe(true);
      await harness.advance(half);
      expect((await limiter.take(key, 0)).allowed).toBe(true);
      expectWait(await limiter.take(key, 0), half);
      expectWait(await limiter.take(key, 0), half);
      await harness.advance(half);
      expect(await limiter.take(key, 0)).toMatchObject({ allowed: true, remainingRequests: 0 });
      expectWait(await limiter.take(key, 0), half);
    });

    it("after rpm is lowered, waits for enough old entries to leave", async () => {
      const id = newId();
      const quarter = window / 4;
      for (let i = 0; i < 3; i++) {
        expect((await limiter.take({ id, rpm: 3 }, 0)).allowed).toBe(true);
        if (i < 2) await harness.advance(quarter);
      }
      // Three in the window and a limit of 1: all three must leave, the newest at window.
      expectWait(await limiter.take({ id, rpm: 1 }, 0), window);
      expectWait(await limiter.take({ id, rpm: 2 }, 0), window - quarter);
    });

    it("counts tokens per window, refusing a take that would pass tpm", async () => {
      const key = { id: newId(), tpm: 100 };
      expect(await limiter.take(key, 60)).toEqual({ allowed: true, remainingTokens: 40 });
      const refused = await limiter.take(key, 50);
      expect(refused).toMatchObject({ allowed: false, refusedBy: "tpm", remainingTokens: 40 });
      expectWait(refused, window);
      expect(await limiter.take(key, 40)).toEqual({ allowed: true, remainingTokens: 0 });
    });

    it("waits for as many old entries as the tokens need", async () => {
      const key = { id: newId(), tpm: 100 };
      const third = window / 4;
      await limiter.take(key, 30);
      await harness.advance(third);
      await limiter.take(key, 30);
      await harness.advance(third);
      await limiter.take(key, 30);
      // 90 in the window; 70 more needs the first two gone: the second leaves at 1/4 + 1.
      expectWait(await limiter.take(key, 70), window - third);
    });

    it("says a take larger than tpm can never fit, with no retry time", async () => {
      const key = { id: newId(), tpm: 100, rpm: 10 };
      const refused = await limiter.take(key, 101);
      expect(refused).toEqual({
        allowed: false,
        refusedBy: "tpm",
        remainingRequests: 10,
        remainingTokens: 100,
      });
    });

    it("names the limit that frees up last when both refuse", async () => {
      const key = { id: newId(), rpm: 2, tpm: 100 };
      const quarter = window / 4;
      await limiter.take(key, 90);
      await harness.advance(quarter);
      await limiter.take(key, 10);
      // rpm frees when the first leaves; 60 tokens need the first gone as well: equal waits.
      const both = await limiter.take(key, 60);
      expect(both.refusedBy).toBe("rpm");
      expectWait(both, window - quarter);
    });

    it("keeps keys apart", async () => {
      const first = { id: newId(), rpm: 1 };
      const second = { id: newId(), rpm: 1 };
      expect((await limiter.take(first, 0)).allowed).toBe(true);
      expect((await limiter.take(first, 0)).allowed).toBe(false);
      expect((await limiter.take(second, 0)).allowed).toBe(true);
    });

    it("never admits 601 of 1,000 concurrent takes at 600 rpm", async () => {
      const key = { id: newId(), rpm: 600, tpm: 1_000_000 };
      const decisions = await Promise.all(
        Array.from({ length: 1000 }, () => limiter.take(key, 10)),
      );
      const admitted = decisions.filter((decision) => decision.allowed);
      expect(admitted).toHaveLength(600);
      for (const decision of decisions.filter((refused) => !refused.allowed)) {
        expect(decision.refusedBy).toBe("rpm");
        expect(decision.retryAfterMs).toBeGreaterThan(0);
        expect(decision.retryAfterMs).toBeLessThanOrEqual(window);
      }
      const after = await limiter.take(key, 10);
      expect(after).toMatchObject({ allowed: false, remainingTokens: 1_000_000 - 6000 });
    });

    it("refuses bad input, naming the field", async () => {
      const key = { id: newId(), rpm: 1 };
      for (const tokens of [-1, 1.5, Number.NaN]) {
        await expect(limiter.take(key, tokens)).rejects.toThrowError(
          /^tokens must be a whole number/,
        );
      }
      await expect(limiter.take({ id: newId(), rpm: 0 }, 1)).rejects.toThrowError(/^key\.rpm must/);
    });

    it("refuses use after close", async () => {
      await limiter.close();
      const error = await limiter.take({ id: newId(), rpm: 1 }, 0).catch((caught) => caught);
      expect(TokenwiseError.hasCode(error, "store_error")).toBe(true);
      await limiter.close();
    });
  });
}
