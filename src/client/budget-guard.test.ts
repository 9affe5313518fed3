import { describe, expect, it } from "vitest";
import { createMemoryLedger } from "../ledger/index.js";
import { usd } from "../money/index.js";
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
