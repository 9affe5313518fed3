/**
 * The one behaviour every {@link Ledger} engine must show. Each engine's test file calls
 * {@link describeLedgerConformance} with a factory; the tests themselves never change.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyUsage, type Usage } from "../../../core/cost/index.js";
import { budgetExceededDetails, TokenwiseError } from "../../../core/errors/index.js";
import { usd } from "../../../core/money/index.js";
import type { Ledger, SpendRecordInput } from "../ledger.js";

export interface LedgerHarness {
  ledger: Ledger;
  /** Another connection to the same data (the same ledger for memory). */
  connect: () => Promise<Ledger>;
  /** The clock records are stamped with by default. */
  now: () => number;
  /** Moves every clock the ledger uses forward (Redis: real sleep plus the record clock). */
  advance: (ms: number) => Promise<void>;
  /** Closes connections and removes files or keys. */
  cleanup: () => Promise<void>;
}

const DAY = 86_400_000;
const JULY_24 = Date.UTC(2026, 6, 24, 12);

function usage(input: number, output: number, extra: Partial<Usage> = {}): Usage {
  return { ...emptyUsage(), inputTokens: input, outputTokens: output, ...extra };
}

async function connectionOf(harness: LedgerHarness): Promise<Ledger> {
  return harness.connect();
}

async function caught(promise: Promise<unknown>): Promise<TokenwiseError> {
  try {
    await promise;
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError, but the call succeeded");
}

/**
 * @example
 * ```ts
 * describeLedgerConformance("memory", async () => {
 *   const clock = createManualClock();
 *   const ledger = createMemoryLedger({ now: clock.now });
 *   return { ledger, connect: async () => ledger, now: clock.now, advance: clock.advance, cleanup: () => ledger.close() };
 * });
 * ```
 */
export function describeLedgerConformance(
  name: string,
  factory: () => Promise<LedgerHarness>,
): void {
  describe(`Ledger conformance: ${name}`, () => {
    let harness: LedgerHarness;
    let ledger: Ledger;

    beforeEach(async () => {
      harness = await factory();
      ledger = harness.ledger;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    describe("budgets", () => {
      it("reserves within the limit and counts the reservation", async () => {
        const reservation = await ledger.reserve({
          scope: "team-a",
          amount: usd("0.25"),
          ttlMs: 60_000,
          limit: usd("1"),
        });
        expect(reservation).toMatchObject({ scope: "team-a", amount: usd("0.25") });
        expect(reservation.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(reservation.expiresAt).toBeGreaterThan(0);
        expect(await ledger.spent("team-a")).toBe(0n);
        expect(await ledger.reserved("team-a")).toBe(usd("0.25"));
        expect(await ledger.remaining("team-a", usd("1"))).toBe(usd("0.75"));
      });

      it("allows reaching the limit exactly and refuses one picodollar more, with exact details", async () => {
        const limit = usd("1");
        await ledger.reserve({ scope: "s", amount: usd("0.6"), ttlMs: 60_000, limit });
        const { id } = await ledger.reserve({
          scope: "s",
          amount: usd("0.3"),
          ttlMs: 60_000,
          limit,
        });
        await ledger.settle(id, usd("0.3"));
        await ledger.reserve({ scope: "s", amount: usd("0.1"), ttlMs: 60_000, limit });
        const error = await caught(
          ledger.reserve({ scope: "s", amount: 1n, ttlMs: 60_000, limit }),
        );
        expect(error.code).toBe("budget_exceeded");
        expect(error.details).toEqual({
          reason: "over_budget",
          scope: "s",
          limit: usd("1"),
          spent: usd("0.3"),
          reserved: usd("0.7"),
          remaining: 0n,
          worstCase: 1n,
          retryable: false,
        });
        expect(budgetExceededDetails(error)).toBe(error.details);
        expect(error.message).toContain('scope "s": limit $1.00, spent $0.30, reserved $0.70');
        expect(error.message).toContain("requested $0.000000000001");
        expect(await ledger.reserved("s")).toBe(usd("0.7"));
        expect(await ledger.remaining("s", limit)).toBe(0n);
      });

      it("settles for less than reserved and frees the rest", async () => {
        const { id } = await ledger.reserve({
          scope: "s",
          amount: usd("0.50"),
          ttlMs: 60_000,
          limit: usd("1"),
        });
        expect(await ledger.settle(id, usd("0.123456789012"))).toEqual({
          id,
          scope: "s",
          scopes: ["s"],
          reserved: usd("0.50"),
          actual: usd("0.123456789012"),
        });
        expect(await ledger.spent("s")).toBe(usd("0.123456789012"));
        expect(await ledger.reserved("s")).toBe(0n);
        expect(await ledger.remaining("s", usd("1"))).toBe(usd("0.876543210988"));
      });

      it("records the actual cost when it is more than reserved, and later reserves see it", async () => {
        const { id } = await ledger.reserve({
          scope: "s",
          amount: usd("0.10"),
          ttlMs: 60_000,
          limit: usd("1"),
        });
        await ledger.settle(id, usd("0.95"));
        expect(await ledger.spent("s")).toBe(usd("0.95"));
        const error = await caught(
          ledger.reserve({ scope: "s", amount: usd("0.06"), ttlMs: 60_000, limit: usd("1") }),
        );
        expect(error.details).toMatchObject({ spent: usd("0.95"), reserved: 0n });
        await ledger.reserve({ scope: "s", amount: usd("0.05"), ttlMs: 60_000, limit: usd("1") });
        const { id: over } = await ledger.reserve({
          scope: "s",
          amount: 0n,
          ttlMs: 60_000,
          limit: usd("1"),
        });
        await ledger.settle(over, usd("2"));
        expect(await ledger.spent("s")).toBe(usd("2.95"));
        expect(await ledger.remaining("s", usd("1"))).toBe(0n);
      });

      it("settles idempotently: a retried settle returns the first result and charges nothing", async () => {
        const first = await ledger.reserve({
          scope: "s",
          amount: usd("0.1"),
          ttlMs: 60_000,
          limit: usd("1"),
        });
        const record = { model: "gpt-4o", provider: "openai", usage: usage(10, 5) };
        const settled = await ledger.settle(first.id, usd("0.08"), record);
        expect(settled).toEqual({
          id: first.id,
          scope: "s",
          scopes: ["s"],
          reserved: usd("0.1"),
          actual: usd("0.08"),
        });
        expect(await ledger.settle(first.id, usd("0.08"), record)).toEqual(settled);
        // Even a retry that disagrees on the cost gets the first answer.
        expect(await ledger.settle(first.id, usd("0.5"))).toEqual(settled);
        expect(await ledger.release(first.id)).toBe(false);
        expect(await ledger.spent("s")).toBe(usd("0.08"));
        expect(await ledger.records()).toHaveLength(1);
        const other = await connectionOf(harness);
        expect(await other.settle(first.id, usd("0.08"))).toEqual(settled);
        expect(await ledger.spent("s")).toBe(usd("0.08"));
      });

      it("does not settle after release: not_found, nothing charged", async () => {
        const second = await ledger.reserve({
          scope: "s",
          amount: usd("0.1"),
          ttlMs: 60_000,
          limit: usd("1"),
        });
        expect(await ledger.release(second.id)).toBe(true);
        expect(await ledger.release(second.id)).toBe(false);
        const error = await caught(ledger.settle(second.id, usd("0.1")));
        expect(error.code).toBe("not_found");
        expect(error.message).toContain("ledger.record()");
        expect(await ledger.release("no-such-reservation")).toBe(false);
        expect(await ledger.spent("s")).toBe(0n);
        expect(await ledger.reserved("s")).toBe(0n);
      });

      it("keeps scopes apart, including scopes that look like key paths", async () => {
        const limit = usd("1");
        await ledger.reserve({ scope: "a", amount: usd("1"), ttlMs: 60_000, limit });
        await ledger.reserve({ scope: "a:b", amount: usd("1"), ttlMs: 60_000, limit });
        await ledger.reserve({ scope: "a%3Ab", amount: usd("1"), ttlMs: 60_000, limit });
        await ledger.reserve({ scope: "チーム/α", amount: usd("1"), ttlMs: 60_000, limit });
        expect(await ledger.reserved("a")).toBe(usd("1"));
        expect(await ledger.reserved("a:b")).toBe(usd("1"));
        expect(await ledger.reserved("チーム/α")).toBe(usd("1"));
        expect(await ledger.reserved("b")).toBe(0n);
      });

      it("frees expired reservations by themselves", async () => {
        const limit = usd("1");
        await ledger.reserve({ scope: "s", amount: usd("0.9"), ttlMs: 50, limit });
        await ledger.reserve({ scope: "s", amount: usd("0.1"), ttlMs: 600_000, limit });
        expect(
          (await caught(ledger.reserve({ scope: "s", amount: usd("0.5"), ttlMs: 50, limit }))).code,
        ).toBe("budget_exceeded");
        await harness.advance(150);
        expect(await ledger.reserved("s")).toBe(usd("0.1"));
        await ledger.reserve({ scope: "s", amount: usd("0.9"), ttlMs: 600_000, limit });
        expect(await ledger.remaining("s", limit)).toBe(0n);
      });

      it("still charges a reservation settled after it expired: the call was paid for", async () => {
        const { id } = await ledger.reserve({
          scope: "s",
          amount: usd("0.5"),
          ttlMs: 50,
          limit: usd("1"),
        });
        await harness.advance(150);
        expect(await ledger.reserved("s")).toBe(0n);
        const settled = await ledger.settle(id, usd("0.45"));
        expect(settled).toMatchObject({ scope: "s", reserved: usd("0.5"), actual: usd("0.45") });
        expect(await ledger.spent("s")).toBe(usd("0.45"));
        expect(await ledger.reserved("s")).toBe(0n);
      });

      it("stays exact above $10,000, where doubles stop counting picodollars", async () => {
        const limit = usd("20000.000000000001");
        const big = usd("10000.000000000001");
        await ledger.reserve({ scope: "big", amount: big, ttlMs: 60_000, limit });
        const { id } = await ledger.reserve({
          scope: "big",
          amount: usd("10000"),
          ttlMs: 60_000,
          limit,
        });
        expect(await ledger.reserved("big")).toBe(20_000_000_000_000_001n);
        const error = await caught(
          ledger.reserve({ scope: "big", amount: 1n, ttlMs: 60_000, limit }),
        );
        expect(error.details).toEqual({
          reason: "over_budget",
          scope: "big",
          limit: 20_000_000_000_000_001n,
          spent: 0n,
          reserved: 20_000_000_000_000_001n,
          remaining: 0n,
          worstCase: 1n,
          retryable: false,
        });
        await ledger.settle(id, 9_007_199_254_740_993n);
        expect(await ledger.spent("big")).toBe(9_007_199_254_740_993n);
        expect(await ledger.remaining("big", limit)).toBe(
          20_000_000_000_000_001n - 10_000_000_000_000_001n - 9_007_199_254_740_993n,
        );
        const { id: more } = await ledger.reserve({
          scope: "big",
          amount: 7n,
          ttlMs: 60_000,
          limit,
        });
        await ledger.settle(more, 9_223_372_036_854_775_807n);
        expect(await ledger.spent("big")).toBe(9_007_199_254_740_993n + 9_223_372_036_854_775_807n);
      });

      it("carries leftover picodollars into whole dollars exactly", async () => {
        const limit = usd("1");
        const first = await ledger.reserve({
          scope: "carry",
          amount: 999_999_999_999n,
          ttlMs: 60_000,
          limit,
        });
        const second = await ledger.reserve({ scope: "carry", amount: 1n, ttlMs: 60_000, limit });
        expect(await ledger.reserved("carry")).toBe(1_000_000_000_000n);
        const error = await caught(
          ledger.reserve({ scope: "carry", amount: 1n, ttlMs: 60_000, limit }),
        );
        expect(error.details).toMatchObject({ reserved: 1_000_000_000_000n, spent: 0n });
        await ledger.settle(first.id, 999_999_999_999n);
        await ledger.settle(second.id, 999_999_999_999n);
        expect(await ledger.spent("carry")).toBe(1_999_999_999_998n);
      });

      it("lets exactly 100 of 200 concurrent $0.01 reservations through a $1.00 limit", async () => {
        const connections = [
          ledger,
          ...(await Promise.all([1, 2, 3].map(() => harness.connect()))),
        ];
        const limit = usd("1.00");
        const settledAttempts = Promise.allSettled(
          Array.from({ length: 200 }, (_, index) =>
            (connections[index % connections.length] as Ledger).reserve({
              scope: "race",
              amount: usd("0.01"),
              ttlMs: 60_000,
              limit,
            }),
          ),
        );
        // Reads racing the reservations must never see more than the limit held.
        const samples = await Promise.all(
          connections.map(async (connection) => {
            const spent = await connection.spent("race");
            return spent + (await connection.reserved("race"));
          }),
        );
        const outcomes = await settledAttempts;
        const granted = outcomes.flatMap((outcome) =>
          outcome.status === "fulfilled" ? [outcome.value] : [],
        );
        const refused = outcomes.flatMap((outcome) =>
          outcome.status === "rejected" ? [outcome.reason] : [],
        );
        expect(granted).toHaveLength(100);
        expect(refused).toHaveLength(100);
        expect(refused.every((reason) => TokenwiseError.hasCode(reason, "budget_exceeded"))).toBe(
          true,
        );
        expect(new Set(granted.map((reservation) => reservation.id)).size).toBe(100);
        expect(samples.every((sample) => sample <= limit)).toBe(true);
        expect(await ledger.reserved("race")).toBe(limit);
        await Promise.all(
          granted.map((reservation, index) =>
            (connections[index % connections.length] as Ledger).settle(reservation.id, usd("0.01")),
          ),
        );
        expect(await ledger.spent("race")).toBe(limit);
        expect(await ledger.reserved("race")).toBe(0n);
      });

      it("rejects bad input with invalid_input naming the field", async () => {
        const loose = ledger as unknown as { reserve: (options: unknown) => Promise<unknown> };
        const base = { scope: "s", amount: usd("0.01"), ttlMs: 60_000, limit: usd("1") };
        const cases: Array<[unknown, string]> = [
          [{ ...base, amount: 0.01 }, "amount"],
          [{ ...base, amount: -1n }, "amount"],
          [{ ...base, amount: 2n ** 63n }, "amount"],
          [{ ...base, limit: 10n ** 24n + 1n }, "limit"],
          [{ ...base, ttlMs: undefined }, "ttlMs"],
          [{ ...base, ttlMs: 0 }, "ttlMs"],
          [{ ...base, scope: "" }, "scope"],
        ];
        for (const [options, field] of cases) {
          const error = await caught(loose.reserve(options));
          expect(error.code).toBe("invalid_input");
          expect(error.details.field).toBe(field);
        }
        expect((await caught(ledger.settle("", 1n))).details.field).toBe("id");
        expect((await caught(ledger.spent(""))).details.field).toBe("scope");
        expect(await ledger.reserved("s")).toBe(0n);
      });
    });

    describe("leases", () => {
      it("keeps a renewed reservation holding budget past its first TTL, so no later call overspends", async () => {
        const limit = usd("1");
        const call = await ledger.reserve({ scope: "s", amount: usd("0.9"), ttlMs: 1000, limit });
        await harness.advance(500);
        const renewed = await ledger.renew(call.id, 1000);
        expect(renewed).toMatchObject({
          id: call.id,
          scope: "s",
          scopes: ["s"],
          amount: usd("0.9"),
        });
        expect(renewed?.expiresAt).toBeGreaterThan(call.expiresAt);
        await harness.advance(700);
        // 1200 ms after reserving: without the renewal its 1000 ms would have run out.
        expect(await ledger.reserved("s")).toBe(usd("0.9"));
        const refused = await caught(
          ledger.reserve({ scope: "s", amount: usd("0.5"), ttlMs: 1000, limit }),
        );
        expect(refused.code).toBe("budget_exceeded");
        await ledger.settle(call.id, usd("0.9"));
        expect(await ledger.spent("s")).toBe(usd("0.9"));
        expect(await ledger.remaining("s", limit)).toBe(usd("0.1"));
      });

      it("never renews a reservation that already expired: its money may be someone else's now", async () => {
        const limit = usd("1");
        const lost = await ledger.reserve({ scope: "s", amount: usd("0.6"), ttlMs: 50, limit });
        await harness.advance(150);
        await ledger.reserve({ scope: "s", amount: usd("0.6"), ttlMs: 60_000, limit });
        expect(await ledger.renew(lost.id, 60_000)).toBeUndefined();
        expect(await ledger.reserved("s")).toBe(usd("0.6"));
        // The call it guarded still gets charged when it settles late.
        await ledger.settle(lost.id, usd("0.2"));
        expect(await ledger.spent("s")).toBe(usd("0.2"));
      });

      it("renews nothing that was settled, released or never reserved", async () => {
        const base = { scope: "s", amount: usd("0.1"), ttlMs: 60_000, limit: usd("1") };
        const settled = await ledger.reserve(base);
        await ledger.settle(settled.id, usd("0.1"));
        const released = await ledger.reserve(base);
        await ledger.release(released.id);
        expect(await ledger.renew(settled.id, 60_000)).toBeUndefined();
        expect(await ledger.renew(released.id, 60_000)).toBeUndefined();
        expect(await ledger.renew("no-such-reservation", 60_000)).toBeUndefined();
        expect(await ledger.reserved("s")).toBe(0n);
        expect((await caught(ledger.renew(settled.id, 0))).details.field).toBe("ttlMs");
        expect((await caught(ledger.renew("", 1000))).details.field).toBe("id");
      });
    });

    describe("multi-scope reservations", () => {
      const key1 = { scope: "key:1", limit: usd("0.6") };
      const key2 = { scope: "key:2", limit: usd("0.6") };
      const team = { scope: "team:a", limit: usd("1") };

      it("holds the amount on every scope, and settle charges each and writes one record", async () => {
        const reservation = await ledger.reserve({
          amount: usd("0.5"),
          ttlMs: 60_000,
          budgets: [key1, team],
        });
        expect(reservation).toMatchObject({
          scope: "key:1",
          scopes: ["key:1", "team:a"],
          amount: usd("0.5"),
        });
        expect(await ledger.reserved("key:1")).toBe(usd("0.5"));
        expect(await ledger.reserved("team:a")).toBe(usd("0.5"));
        const settled = await ledger.settle(reservation.id, usd("0.3"), {
          time: JULY_24,
          model: "gpt-4o-mini",
          provider: "openai",
          usage: usage(100, 20),
          requestId: "req_1",
        });
        expect(settled).toEqual({
          id: reservation.id,
          scope: "key:1",
          scopes: ["key:1", "team:a"],
          reserved: usd("0.5"),
          actual: usd("0.3"),
        });
        expect(await ledger.spent("key:1")).toBe(usd("0.3"));
        expect(await ledger.spent("team:a")).toBe(usd("0.3"));
        expect([await ledger.reserved("key:1"), await ledger.reserved("team:a")]).toEqual([0n, 0n]);
        expect(await ledger.records()).toEqual([
          {
            time: JULY_24,
            scope: "key:1",
            scopes: ["key:1", "team:a"],
            model: "gpt-4o-mini",
            provider: "openai",
            usage: usage(100, 20),
            cost: usd("0.3"),
            requestId: "req_1",
          },
        ]);
        expect(await ledger.settle(reservation.id, usd("0.3"))).toEqual(settled);
        expect(await ledger.spent("team:a")).toBe(usd("0.3"));
      });

      it("holds none when one scope refuses, and says which scope and its numbers", async () => {
        await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets: [key1, team] });
        const error = await caught(
          ledger.reserve({ amount: usd("0.55"), ttlMs: 60_000, budgets: [key2, team] }),
        );
        expect(error.code).toBe("budget_exceeded");
        expect(error.details).toEqual({
          reason: "over_budget",
          scope: "team:a",
          limit: usd("1"),
          spent: 0n,
          reserved: usd("0.5"),
          remaining: usd("0.5"),
          worstCase: usd("0.55"),
          retryable: false,
        });
        expect(budgetExceededDetails(error)).toBe(error.details);
        expect(error.message).toContain('scope "team:a"');
        expect(await ledger.reserved("key:2")).toBe(0n);
        expect(await ledger.reserved("team:a")).toBe(usd("0.5"));
        const keyFull = await caught(
          ledger.reserve({ amount: usd("0.2"), ttlMs: 60_000, budgets: [key1, team] }),
        );
        expect(keyFull.details).toMatchObject({ scope: "key:1", reserved: usd("0.5") });
        expect(await ledger.reserved("team:a")).toBe(usd("0.5"));
      });

      it("renews and releases on every scope", async () => {
        const reservation = await ledger.reserve({
          amount: usd("0.4"),
          ttlMs: 1000,
          budgets: [key1, team],
        });
        await harness.advance(500);
        expect((await ledger.renew(reservation.id, 1000))?.scopes).toEqual(["key:1", "team:a"]);
        await harness.advance(700);
        expect(await ledger.reserved("key:1")).toBe(usd("0.4"));
        expect(await ledger.reserved("team:a")).toBe(usd("0.4"));
        expect(await ledger.release(reservation.id)).toBe(true);
        expect([await ledger.reserved("key:1"), await ledger.reserved("team:a")]).toEqual([0n, 0n]);
      });

      it("lets 200 concurrent reservations on 2 keys sharing a team never pass either limit", async () => {
        const connections = [
          ledger,
          ...(await Promise.all([1, 2, 3].map(() => harness.connect()))),
        ];
        const outcomes = await Promise.allSettled(
          Array.from({ length: 200 }, (_, index) =>
            (connections[index % connections.length] as Ledger).reserve({
              amount: usd("0.01"),
              ttlMs: 60_000,
              budgets: [index % 2 === 0 ? key1 : key2, team],
            }),
          ),
        );
        const granted = outcomes.flatMap((outcome) =>
          outcome.status === "fulfilled" ? [outcome.value] : [],
        );
        const refused = outcomes.flatMap((outcome) =>
          outcome.status === "rejected" ? [outcome.reason] : [],
        );
        expect(granted).toHaveLength(100);
        expect(refused.every((reason) => TokenwiseError.hasCode(reason, "budget_exceeded"))).toBe(
          true,
        );
        expect(await ledger.reserved("team:a")).toBe(usd("1"));
        expect(await ledger.reserved("key:1")).toBeLessThanOrEqual(usd("0.6"));
        expect(await ledger.reserved("key:2")).toBeLessThanOrEqual(usd("0.6"));
        expect((await ledger.reserved("key:1")) + (await ledger.reserved("key:2"))).toBe(usd("1"));
        await Promise.all(granted.map((reservation) => ledger.settle(reservation.id, usd("0.01"))));
        expect(await ledger.spent("team:a")).toBe(usd("1"));
        expect((await ledger.spent("key:1")) + (await ledger.spent("key:2"))).toBe(usd("1"));
        expect(await ledger.reserved("team:a")).toBe(0n);
      });

      it("charges every scope a record lists", async () => {
        await ledger.record({
          scope: "key:1",
          scopes: ["key:1", "team:a"],
          model: "gpt-4o",
          provider: "openai",
          usage: usage(1, 1),
          cost: usd("0.02"),
          time: JULY_24,
        });
        expect(await ledger.spent("key:1")).toBe(usd("0.02"));
        expect(await ledger.spent("team:a")).toBe(usd("0.02"));
        expect((await ledger.records())[0]?.scopes).toEqual(["key:1", "team:a"]);
      });

      it("rejects bad budgets with invalid_input naming the field, holding nothing", async () => {
        const loose = ledger as unknown as { reserve: (options: unknown) => Promise<unknown> };
        const base = { amount: usd("0.01"), ttlMs: 60_000 };
        const cases: Array<[unknown, string]> = [
          [{ ...base, budgets: [] }, "budgets"],
          [{ ...base, budgets: [key1, { scope: "", limit: 1n }] }, "budgets[1].scope"],
          [{ ...base, budgets: [key1, { scope: "t", limit: 0.5 }] }, "budgets[1].limit"],
          [{ ...base, budgets: [key1, key1] }, "budgets[1].scope"],
          [{ ...base, budgets: [key1], scope: "key:1", limit: 1n }, "budgets"],
        ];
        for (const [options, field] of cases) {
          const error = await caught(loose.reserve(options));
          expect(error.code).toBe("invalid_input");
          expect(error.details.field).toBe(field);
        }
        expect(await ledger.reserved("key:1")).toBe(0n);
      });
    });

    describe("spend log", () => {
      const gpt = (overrides: Partial<SpendRecordInput> = {}): SpendRecordInput => ({
        time: JULY_24,
        scope: "team-a",
        model: "gpt-4o",
        provider: "openai",
        usage: usage(2006, 300, { cachedInputTokens: 1920 }),
        cost: usd("0.005615"),
        ...overrides,
      });

      it("appends records, charges their scope, and reads them back exactly, oldest first", async () => {
        const full = gpt({
          requestId: "req_1",
          cached: false,
          metadata: { user: "u-1", tags: ["a", 1, null, true], nested: { deep: 0.5 } },
        });
        const stored = await ledger.record(full);
        expect(stored).toEqual(full);
        await ledger.record(gpt({ time: JULY_24 - DAY, model: "claude-3-7-sonnet", cached: true }));
        await ledger.record(gpt({ time: JULY_24, scope: "team-b" }));
        expect(await ledger.spent("team-a")).toBe(usd("0.01123"));
        expect(await ledger.spent("team-b")).toBe(usd("0.005615"));
        const all = await ledger.records();
        expect(all.map((record) => [record.time, record.model, record.scope])).toEqual([
          [JULY_24 - DAY, "claude-3-7-sonnet", "team-a"],
          [JULY_24, "gpt-4o", "team-a"],
          [JULY_24, "gpt-4o", "team-b"],
        ]);
        expect(all[1]).toEqual(full);
        expect(all[0]?.cached).toBe(true);
        expect(all[2]).not.toHaveProperty("cached");
        expect(all[2]).not.toHaveProperty("requestId");
        expect(await ledger.records({ scope: "team-b" })).toHaveLength(1);
        expect(await ledger.records({ since: JULY_24 })).toHaveLength(2);
        expect(await ledger.records({ until: JULY_24 })).toHaveLength(1);
        expect((await ledger.records({ limit: 2 })).map((record) => record.time)).toEqual([
          JULY_24 - DAY,
          JULY_24,
        ]);
      });

      it("stamps records with the ledger's clock when no time is given", async () => {
        const { time: _omitted, ...untimed } = gpt();
        const stored = await ledger.record(untimed);
        expect(stored.time).toBe(harness.now());
        expect((await ledger.records())[0]?.time).toBe(harness.now());
      });

      it("writes the spend record with the reservation's scope and the actual cost on settle", async () => {
        const { id } = await ledger.reserve({
          scope: "key:1",
          amount: usd("0.5"),
          ttlMs: 60_000,
          limit: usd("1"),
        });
        await ledger.settle(id, usd("0.031"), {
          time: JULY_24,
          model: "gpt-4o-mini",
          provider: "openai",
          usage: usage(1000, 200),
          requestId: "req_9",
        });
        expect(await ledger.records()).toEqual([
          {
            time: JULY_24,
            scope: "key:1",
            model: "gpt-4o-mini",
            provider: "openai",
            usage: usage(1000, 200),
            cost: usd("0.031"),
            requestId: "req_9",
          },
        ]);
      });

      it("totals by model, day and scope with exact cost and token sums", async () => {
        await ledger.record(gpt());
        await ledger.record(
          gpt({ time: JULY_24 + 11 * 3_600_000, cost: usd("0.000001"), cached: true }),
        );
        await ledger.record(
          gpt({
            time: JULY_24 + DAY,
            model: "o1",
            usage: usage(100, 5000, { reasoningTokens: 4000 }),
            cost: usd("0.3015"),
          }),
        );
        await ledger.record(gpt({ time: JULY_24 - DAY, scope: "team-b", cost: usd("0.1") }));
        expect(await ledger.totals({ groupBy: "model" })).toEqual([
          {
            key: "gpt-4o",
            records: 3,
            cachedRecords: 1,
            cost: usd("0.105616"),
            usage: usage(6018, 900, { cachedInputTokens: 5760 }),
          },
          {
            key: "o1",
            records: 1,
            cachedRecords: 0,
            cost: usd("0.3015"),
            usage: usage(100, 5000, { reasoningTokens: 4000 }),
          },
        ]);
        const byDay = await ledger.totals({ groupBy: "day" });
        expect(byDay.map((row) => [row.key, row.records, row.cost])).toEqual([
          ["2026-07-23", 1, usd("0.1")],
          ["2026-07-24", 2, usd("0.005616")],
          ["2026-07-25", 1, usd("0.3015")],
        ]);
        const byScope = await ledger.totals({
          groupBy: "scope",
          since: JULY_24,
          until: JULY_24 + DAY,
        });
        expect(byScope.map((row) => [row.key, row.records, row.cost])).toEqual([
          ["team-a", 2, usd("0.005616")],
        ]);
        expect(await ledger.totals({ groupBy: "model", scope: "team-b" })).toHaveLength(1);
        expect(await ledger.totals({ groupBy: "model", scope: "nobody" })).toEqual([]);
      });

      it("sums costs past 64 bits exactly", async () => {
        const max = 2n ** 63n - 1n;
        for (let index = 0; index < 3; index++) await ledger.record(gpt({ cost: max }));
        await ledger.record(gpt({ cost: 999_999n }));
        const [row] = await ledger.totals({ groupBy: "scope" });
        expect(row?.cost).toBe(3n * max + 999_999n);
        expect(await ledger.spent("team-a")).toBe(3n * max + 999_999n);
      });

      it("rejects malformed records and queries without writing", async () => {
        const loose = ledger as unknown as {
          record: (record: unknown) => Promise<unknown>;
          totals: (query: unknown) => Promise<unknown>;
        };
        const cases: Array<[unknown, string]> = [
          [gpt({ cost: 5 as unknown as bigint }), "record.cost"],
          [gpt({ model: "" }), "record.model"],
          [
            gpt({ usage: usage(10, 5, { cachedInputTokens: 20 }) }),
            "record.usage.cachedInputTokens + record.usage.cacheWriteTokens",
          ],
          [gpt({ usage: { ...usage(1, 1), outputTokens: -1 } }), "record.usage.outputTokens"],
          [gpt({ time: 1.5 }), "record.time"],
          [
            gpt({ metadata: { when: new Date(0) } as unknown as SpendRecordInput["metadata"] }),
            "record.metadata.when",
          ],
          [gpt({ metadata: { ratio: Number.NaN } }), "record.metadata.ratio"],
        ];
        for (const [record, field] of cases) {
          const error = await caught(loose.record(record));
          expect(error.code).toBe("invalid_input");
          expect(error.details.field).toBe(field);
        }
        expect((await caught(loose.totals({ groupBy: "week" }))).details.field).toBe(
          "query.groupBy",
        );
        expect(await ledger.records()).toEqual([]);
        expect(await ledger.spent("team-a")).toBe(0n);
      });
    });

    it("refuses use after close with store_error, and closing twice is harmless", async () => {
      await ledger.close();
      await ledger.close();
      expect((await caught(ledger.spent("s"))).code).toBe("store_error");
    });
  });
}
