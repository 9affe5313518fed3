import { describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage } from "../../core/cost/index.js";
import { usd } from "../../core/money/index.js";
import { ledgerSavings } from "./ledger-savings.js";

describe("ledgerSavings", () => {
  it("adds cache-hit savings and the prompt cache's discount to what was spent", async () => {
    const ledger = createMemoryLedger();
    const promptCached = {
      ...emptyUsage(),
      inputTokens: 10_000,
      cachedInputTokens: 8192,
      outputTokens: 100,
    };
    const paid = costFromUsage("gpt-4o-mini", promptCached).total;
    const uncached = costFromUsage("gpt-4o-mini", { ...promptCached, cachedInputTokens: 0 }).total;
    await ledger.record({
      scope: "s",
      model: "gpt-4o-mini",
      provider: "openai",
      usage: promptCached,
      cost: paid,
    });
    await ledger.record({
      scope: "s",
      model: "gpt-4o",
      provider: "openai",
      usage: emptyUsage(),
      cost: 0n,
      cached: true,
      metadata: { savedCost: "0.25" },
    });
    await ledger.record({
      scope: "s",
      model: "gpt-4o",
      provider: "openai",
      usage: emptyUsage(),
      cost: 0n,
      cached: true,
    });
    await ledger.record({
      scope: "s",
      model: "in-house-model",
      provider: "vllm",
      usage: { ...emptyUsage(), inputTokens: 5000, cachedInputTokens: 4096 },
      cost: usd("0.01"),
    });
    const savings = await ledgerSavings({ ledger, catalog: defaultCatalog });
    expect(savings.calls).toBe(4);
    expect(savings.cacheHits).toBe(2);
    expect(savings.cacheHitsWithoutSavedCost).toBe(1);
    expect(savings.spent).toBe(paid + usd("0.01"));
    expect(savings.cacheHitSaved).toBe(usd("0.25"));
    expect(savings.promptCacheSaved).toBe(uncached - paid);
    expect(savings.promptCacheSaved > 0n).toBe(true);
    expect(savings.promptCachedTokens).toBe(8192 + 4096);
    expect(savings.unpricedModels).toEqual(["in-house-model"]);
    expect(savings.withoutSavings).toBe(savings.spent + usd("0.25") + (uncached - paid));
    expect(savings.byModel[0]?.model).toBe("gpt-4o");
    expect(savings.savedFraction).toBeGreaterThan(0.9);
  });

  it("counts Anthropic cache writes against the prompt cache's saving", async () => {
    const ledger = createMemoryLedger();
    const written = {
      ...emptyUsage(),
      inputTokens: 4000,
      cacheWriteTokens: 4000,
      outputTokens: 10,
    };
    const cost = costFromUsage("claude-haiku-4-5", written).total;
    await ledger.record({
      scope: "s",
      model: "claude-haiku-4-5",
      provider: "anthropic",
      usage: written,
      cost,
    });
    const savings = await ledgerSavings({ ledger });
    expect(savings.promptCacheSaved < 0n).toBe(true);
    expect(savings.savedFraction).toBeLessThan(0);
  });

  it("counts a paid call's cached part (an embedding call partly answered by the cache)", async () => {
    const ledger = createMemoryLedger();
    const embedding = { ...emptyUsage(), inputTokens: 1000 };
    await ledger.record({
      scope: "s",
      model: "text-embedding-3-small",
      provider: "openai",
      usage: embedding,
      cost: usd("0.00002"),
      metadata: { operation: "embed", cachedInputs: 3, savedCost: "0.00006" },
    });
    await ledger.record({
      scope: "s",
      model: "text-embedding-3-small",
      provider: "openai",
      usage: emptyUsage(),
      cost: 0n,
      cached: true,
      metadata: { operation: "embed", cachedInputs: 1, savedCost: "0.00002" },
    });
    const savings = await ledgerSavings({ ledger });
    expect(savings).toMatchObject({
      calls: 2,
      cacheHits: 1,
      partialCacheHits: 1,
      cacheHitsWithoutSavedCost: 0,
      spent: usd("0.00002"),
      cacheHitSaved: usd("0.00008"),
      withoutSavings: usd("0.0001"),
      savedFraction: 0.8,
    });
    expect(savings.byModel[0]).toMatchObject({ cacheHits: 1, partialCacheHits: 1 });
  });

  it("prices the prompt cache's saving at the prices in force when the call was recorded", async () => {
    const ledger = createMemoryLedger();
    const usage = { ...emptyUsage(), inputTokens: 100_000, cachedInputTokens: 90_000 };
    const august = { at: "2026-08-15" };
    const paid = costFromUsage("claude-sonnet-5", usage, august).total;
    await ledger.record({
      time: Date.UTC(2026, 7, 15, 12),
      scope: "s",
      model: "claude-sonnet-5",
      provider: "anthropic",
      usage,
      cost: paid,
    });
    const savings = await ledgerSavings({ ledger });
    // 90,000 cached tokens at $2/M instead of $0.20/M: August's prices, not today's $3 / $0.30.
    const uncached = costFromUsage("claude-sonnet-5", { ...usage, cachedInputTokens: 0 }, august);
    expect(savings.promptCacheSaved).toBe(uncached.total - paid);
    expect(savings.promptCacheSaved).toBe(usd("0.162"));
  });
});
