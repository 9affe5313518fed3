import { describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { budgetExceededDetails, type TokenwiseError } from "../../core/errors/index.js";
import { usd } from "../../core/money/index.js";
import { openCharge, parseLimit } from "./budget-guard.js";

const worstCase = {
  model: "gpt-4o-mini",
  inputTokens: 10,
  exact: true,
  outputTokens: 100,
  amount: usd("0.01"),
};
const record = {
  model: "gpt-4o-mini",
  provider: "openai",
  usage: {
    inputTokens: 10,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 5,
    reasoningTokens: 0,
  },
};

describe("openCharge", () => {
  it("reserves the worst case and settles the actual cost", async () => {
    const ledger = createMemoryLedger();
    const charge = await openCharge({
      ledger,
      scope: "s",
      limit: usd("1"),
      worstCase,
      reservationTtlMs: 60_000,
    });
    expect(await ledger.reserved("s")).toBe(usd("0.01"));
    await charge.settle(usd("0.002"), record);
    expect([await ledger.spent("s"), await ledger.reserved("s")]).toEqual([usd("0.002"), 0n]);
  });

  it("only records when there is no limit", async () => {
    const ledger = createMemoryLedger();
    const charge = await openCharge({
      ledger,
      scope: "s",
      limit: undefined,
      worstCase,
      reservationTtlMs: 60_000,
    });
    expect(await ledger.reserved("s")).toBe(0n);
    await charge.settle(usd("0.002"), record);
    expect((await ledger.records()).map((entry) => entry.cost)).toEqual([usd("0.002")]);
  });

  it("charges without a spend record when the caller records the call elsewhere", async () => {
    const ledger = createMemoryLedger();
    const charge = await openCharge({
      ledger,
      scope: "chat:1",
      limit: usd("1"),
      worstCase,
      reservationTtlMs: 60_000,
    });
    await charge.settle(usd("0.002"));
    expect([await ledger.spent("chat:1"), await ledger.reserved("chat:1")]).toEqual([
      usd("0.002"),
      0n,
    ]);
    expect(await ledger.records()).toEqual([]);
    const unlimited = await openCharge({
      ledger,
      scope: "other",
      worstCase,
      reservationTtlMs: 60_000,
    });
    await unlimited.settle(usd("0.002"));
    expect([await ledger.spent("other"), (await ledger.records()).length]).toEqual([0n, 0]);
  });

  it("refuses a call that does not fit with the one budget_exceeded shape", async () => {
    const ledger = createMemoryLedger();
    await ledger.reserve({ scope: "s", amount: usd("0.005"), ttlMs: 60_000, limit: usd("0.012") });
    const error = await openCharge({
      ledger,
      scope: "s",
      limit: usd("0.012"),
      worstCase,
      reservationTtlMs: 60_000,
    }).catch((caught: unknown) => caught);
    expect(budgetExceededDetails(error)).toEqual({
      reason: "over_budget",
      scope: "s",
      limit: usd("0.012"),
      spent: 0n,
      reserved: usd("0.005"),
      remaining: usd("0.007"),
      worstCase: usd("0.01"),
      model: "gpt-4o-mini",
      inputTokens: 10,
      maxOutputTokens: 100,
      retryable: false,
    });
    expect((error as TokenwiseError).message).toContain("leaves $0.007");
  });

  it("records the spend even when the reservation was forgotten", async () => {
    let now = 0;
    const ledger = createMemoryLedger({ now: () => now, lateSettleWindowMs: 1 });
    const charge = await openCharge({
      ledger,
      scope: "s",
      limit: usd("1"),
      worstCase,
      reservationTtlMs: 10,
    });
    now = 1000;
    await charge.settle(usd("0.003"), record);
    expect(await ledger.spent("s")).toBe(usd("0.003"));
  });
});

describe("parseLimit", () => {
  it("reads bigints and decimal strings, and names the field otherwise", () => {
    expect(parseLimit(5n, "budget.limit")).toBe(5n);
    expect(parseLimit("2.50", "budget.limit")).toBe(usd("2.50"));
    expect(() => parseLimit(undefined, "budget.limit")).toThrow(/^budget.limit must be an amount/);
    expect(() => parseLimit("-1", "budget.limit")).toThrow(/0 or more/);
  });
});

describe("openCharge leases", () => {
  const waitFor = async (condition: () => boolean | Promise<boolean>) => {
    for (let tries = 0; tries < 200; tries++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error("condition never held");
  };

  it("renews the lease while the call runs, and stops once it settles", async () => {
    const ledger = createMemoryLedger();
    let renewals = 0;
    const counting = {
      ...ledger,
      renew: (id: string, ttlMs: number) => {
        renewals += 1;
        return ledger.renew(id, ttlMs);
      },
    };
    const charge = await openCharge({
      ledger: counting,
      scope: "s",
      limit: usd("1"),
      worstCase,
      reservationTtlMs: 30,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    // 150 ms is five lifetimes of the first reservation: only renewal kept it.
    expect(await ledger.reserved("s")).toBe(usd("0.01"));
    expect(renewals).toBeGreaterThan(2);
    await charge.settle(usd("0.002"), record);
    const settledAt = renewals;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(renewals).toBe(settledAt);
    expect([await ledger.spent("s"), await ledger.reserved("s")]).toEqual([usd("0.002"), 0n]);
  });

  it("reserves again when it finds the lease expired and the budget has room", async () => {
    let now = 0;
    const ledger = createMemoryLedger({ now: () => now });
    const charge = await openCharge({
      ledger,
      scope: "s",
      limit: usd("1"),
      worstCase,
      reservationTtlMs: 30_000,
      renewEveryMs: 5,
    });
    now = 60_000;
    await waitFor(async () => (await ledger.reserved("s")) === usd("0.01"));
    expect(charge.signal.aborted).toBe(false);
    await charge.settle(usd("0.004"), record);
    expect([await ledger.spent("s"), await ledger.reserved("s")]).toEqual([usd("0.004"), 0n]);
    expect(await ledger.records()).toHaveLength(1);
  });

  it("stops the call when the lease expired and the budget has no room left for it", async () => {
    let now = 0;
    const ledger = createMemoryLedger({ now: () => now });
    const charge = await openCharge({
      ledger,
      scope: "s",
      limit: usd("0.015"),
      worstCase,
      reservationTtlMs: 30_000,
      renewEveryMs: 5,
    });
    now = 60_000;
    // Another call takes the money the expired reservation freed.
    await ledger.reserve({ scope: "s", amount: usd("0.01"), ttlMs: 600_000, limit: usd("0.015") });
    await waitFor(() => charge.signal.aborted);
    const reason = charge.signal.reason as TokenwiseError;
    expect(reason.code).toBe("budget_exceeded");
    expect(budgetExceededDetails(reason)).toEqual({
      reason: "lease_lost",
      scope: "s",
      limit: usd("0.015"),
      spent: 0n,
      reserved: usd("0.01"),
      remaining: usd("0.005"),
      worstCase: usd("0.01"),
      model: "gpt-4o-mini",
      inputTokens: 10,
      maxOutputTokens: 100,
      retryable: false,
    });
    expect(reason.message).toContain("expired while it ran");
    // What the call produced is still charged, within the late-settle window.
    await charge.settle(usd("0.001"), record);
    expect(await ledger.spent("s")).toBe(usd("0.001"));
  });

  it("reserves on every budget and charges each", async () => {
    const ledger = createMemoryLedger();
    const charge = await openCharge({
      ledger,
      scope: "ignored",
      budgets: [
        { scope: "key:1", limit: usd("1") },
        { scope: "team:a", limit: usd("0.015") },
      ],
      worstCase,
      reservationTtlMs: 60_000,
    });
    await expect(
      openCharge({
        ledger,
        scope: "ignored",
        budgets: [
          { scope: "key:2", limit: usd("1") },
          { scope: "team:a", limit: usd("0.015") },
        ],
        worstCase,
        reservationTtlMs: 60_000,
      }),
    ).rejects.toMatchObject({ code: "budget_exceeded", details: { scope: "team:a" } });
    await charge.settle(usd("0.002"), record);
    expect(await ledger.spent("key:1")).toBe(usd("0.002"));
    expect(await ledger.spent("team:a")).toBe(usd("0.002"));
    expect((await ledger.records())[0]).toMatchObject({
      scope: "key:1",
      scopes: ["key:1", "team:a"],
    });
  });
});
