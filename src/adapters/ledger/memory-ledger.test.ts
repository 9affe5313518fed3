import { describe, expect, it } from "vitest";
import { usd } from "../../core/money/index.js";
import { createManualClock } from "../stores/test-support/manual-clock.js";
import { createMemoryLedger } from "./memory-ledger.js";
import { describeLedgerConformance } from "./test-support/ledger-conformance.js";

describeLedgerConformance("memory", async () => {
  const clock = createManualClock();
  const ledger = createMemoryLedger({ now: clock.now });
  return {
    ledger,
    connect: async () => ledger,
    now: clock.now,
    advance: clock.advance,
    cleanup: () => ledger.close(),
  };
});

describe("createMemoryLedger", () => {
  it("forgets reservations once the late-settle window has passed", async () => {
    const clock = createManualClock();
    const ledger = createMemoryLedger({ now: clock.now, lateSettleWindowMs: 1000 });
    const { id } = await ledger.reserve({ scope: "s", amount: 5n, ttlMs: 10, limit: 10n });
    await clock.advance(1010);
    await ledger.reserve({ scope: "s", amount: 1n, ttlMs: 10, limit: 10n });
    await expect(ledger.settle(id, 5n)).rejects.toMatchObject({ code: "not_found" });
    expect(await ledger.spent("s")).toBe(0n);
  });

  it("rejects a bad late-settle window", () => {
    expect(() => createMemoryLedger({ lateSettleWindowMs: -1 })).toThrow(
      /lateSettleWindowMs must be a non-negative integer/,
    );
  });

  it("returns copies, so changing a result never changes the ledger", async () => {
    const ledger = createMemoryLedger();
    const record = await ledger.record({
      scope: "s",
      model: "m",
      provider: "p",
      usage: {
        inputTokens: 1,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 1,
        reasoningTokens: 0,
      },
      cost: usd("0.01"),
      metadata: { tag: "x" },
    });
    record.usage.inputTokens = 999;
    const [read] = await ledger.records();
    if (read?.metadata) read.metadata.tag = "changed";
    expect((await ledger.records())[0]).toMatchObject({
      usage: { inputTokens: 1 },
      metadata: { tag: "x" },
    });
  });
});
