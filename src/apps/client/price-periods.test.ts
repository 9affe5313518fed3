/**
 * A call that runs across a price change: its reservation (the worst case) and its settle
 * must price at the same period, the one in force when the call was made, or a call reserved
 * just before the change settles above its reservation and the budget is overspent.
 * claude-sonnet-5 costs $2/$10 per million tokens until 2026-08-31 and $3/$15 from 2026-09-01.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryLedger, type Ledger } from "../../adapters/ledger/index.js";
import type { ChatProvider } from "../../adapters/providers/index.js";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { createCatalog, defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { usd } from "../../core/money/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import { createClient } from "./index.js";
import { createMockProvider } from "./test-support/mock-provider.js";
import { worstCaseCost } from "./worst-case-cost.js";

const BEFORE_CHANGE = Date.UTC(2026, 7, 31, 23, 59, 59, 500);
const AFTER_CHANGE = Date.UTC(2026, 8, 1, 0, 0, 1);
const SONNET = defaultCatalog.get("claude-sonnet-5");
const REQUEST: ChatRequest = {
  model: "claude-sonnet-5",
  messages: [{ role: "user", content: "Write a long story about the sea." }],
  max_tokens: 4000,
};

/** The most the call may be reported to use: its whole reserved input and max_tokens. */
function worstUsage(at: number): Usage {
  const worst = worstCaseCost(REQUEST, SONNET, { at: new Date(at) });
  return {
    ...emptyUsage(),
    inputTokens: Math.ceil(worst.inputTokens * 1.1),
    outputTokens: worst.outputTokens,
  };
}

/** A provider that answers with `usage` once the clock has moved past the price change. */
function crossingProvider(usage: Usage, crossMidnight: () => void): ChatProvider {
  const inner = createMockProvider({
    name: "anthropic",
    script: [
      { kind: "result", result: { usage } },
      { kind: "result", result: { usage } },
    ],
  });
  return {
    ...inner,
    async chat(request, options) {
      crossMidnight();
      return inner.chat(request, options);
    },
    async *streamChat(request, options) {
      crossMidnight();
      yield* inner.streamChat(request, options);
    },
  };
}

/** A client whose clock starts just before the change and passes it during the call. */
function clientAcrossTheChange(options: { ledger: Ledger; limit: bigint; fakeDate?: boolean }) {
  let now = BEFORE_CHANGE;
  const crossMidnight = () => {
    now = AFTER_CHANGE;
    if (options.fakeDate === true) vi.setSystemTime(AFTER_CHANGE);
  };
  const anthropic = crossingProvider(worstUsage(BEFORE_CHANGE), crossMidnight);
  return createClient({
    providers: { anthropic },
    ledger: options.ledger,
    budget: { scope: "team", limit: options.limit },
    retry: false,
    ...(options.fakeDate === true ? {} : { clock: { now: () => now } }),
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a call made just before a price change", () => {
  const oldWorstCase = worstCaseCost(REQUEST, SONNET, { at: "2026-08-31" }).amount;
  const oldCost = costFromUsage(SONNET, worstUsage(BEFORE_CHANGE), { at: "2026-08-31" }).total;

  it("reserves and settles at the prices of the day it was made (client clock)", async () => {
    const ledger = createMemoryLedger();
    const client = clientAcrossTheChange({ ledger, limit: oldWorstCase });
    const result = await client.chat(REQUEST);
    expect(result.cost.total).toBe(oldCost);
    expect(oldCost).toBeLessThanOrEqual(oldWorstCase);
    expect(await ledger.spent("team")).toBe(oldCost);
    expect(await ledger.reserved("team")).toBe(0n);
  });

  it("never settles above its reservation with the system clock either (chat and stream)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(BEFORE_CHANGE);
    const ledger = createMemoryLedger();
    const client = clientAcrossTheChange({ ledger, limit: oldWorstCase, fakeDate: true });
    expect((await client.chat(REQUEST)).cost.total).toBe(oldCost);
    expect(await ledger.spent("team")).toBeLessThanOrEqual(oldWorstCase);

    vi.setSystemTime(BEFORE_CHANGE);
    const streamLedger = createMemoryLedger();
    const streaming = clientAcrossTheChange({
      ledger: streamLedger,
      limit: oldWorstCase,
      fakeDate: true,
    });
    const stream = streaming.streamChat(REQUEST);
    for await (const _chunk of stream);
    expect((await stream.result).cost.total).toBe(oldCost);
    expect(await streamLedger.spent("team")).toBeLessThanOrEqual(oldWorstCase);
  });

  it("prices an embedding call and its cached inputs' saving at the day it was made", async () => {
    const embedding = defaultCatalog.get("text-embedding-3-small");
    const dated = createCatalog([
      {
        ...embedding,
        prices: { ...embedding.prices, input: "0.04", from: "2026-09-01" },
        priceHistory: [{ prices: { ...embedding.prices } }],
      },
    ]);
    let now = BEFORE_CHANGE;
    const openai: ChatProvider = {
      name: "openai",
      async chat() {
        throw new Error("not used");
      },
      // biome-ignore lint/correctness/useYield: never streams.
      async *streamChat() {
        throw new Error("not used");
      },
      async embed(request) {
        now = AFTER_CHANGE;
        const input = request.input as string[];
        return {
          model: request.model,
          provider: "openai",
          vectors: input.map(() => Float32Array.from([1, 0])),
          usage: {
            inputTokens: input.reduce(
              (sum, text) => sum + countTextTokens(text, "cl100k_base").tokens,
              0,
            ),
          },
        };
      },
    };
    const ledger = createMemoryLedger();
    const client = createClient({
      providers: { openai },
      catalog: dated,
      ledger,
      embeddingCache: { store: createMemoryStore() },
      clock: { now: () => now },
    });
    const text = "tides and currents of the northern seas ".repeat(50);
    const tokens = countTextTokens(text, "cl100k_base").tokens;
    const atOldPrice = costFromUsage(
      dated.get("text-embedding-3-small"),
      {
        ...emptyUsage(),
        inputTokens: tokens,
      },
      { at: "2026-08-31" },
    ).total;
    expect(atOldPrice).toBe(usd("0.00000002") * BigInt(tokens));

    const paid = await client.embed(
      { model: "text-embedding-3-small", input: [text] },
      { budgets: [{ scope: "embed", limit: atOldPrice }] },
    );
    expect(paid.cost.total).toBe(atOldPrice);
    now = BEFORE_CHANGE;
    const cached = await client.embed({ model: "text-embedding-3-small", input: [text] });
    expect(cached.saved).toBe(atOldPrice);
    expect(await ledger.spent("embed")).toBe(atOldPrice);
  });
});
