import type {
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { generateText, simulateReadableStream, streamText, wrapLanguageModel } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryLedger, type Ledger } from "../../adapters/ledger/index.js";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { costFromUsage, emptyUsage } from "../../core/cost/index.js";
import { budgetExceededDetails, TokenwiseError } from "../../core/errors/index.js";
import { usd } from "../../core/money/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import { type TokenwiseMiddlewareOptions, tokenwiseMiddleware } from "./index.js";

const SDK_USAGE: LanguageModelV3Usage = {
  inputTokens: { total: 1000, noCache: 800, cacheRead: 200, cacheWrite: undefined },
  outputTokens: { total: 300, text: 250, reasoning: 50 },
};
const USAGE = {
  inputTokens: 1000,
  cachedInputTokens: 200,
  cacheWriteTokens: 0,
  outputTokens: 300,
  reasoningTokens: 50,
};
/** gpt-4o-mini: 800 × $0.15/M + 200 × $0.075/M + 300 × $0.60/M. */
const USAGE_COST = usd("0.000315");
/** "Hello there" as one user message: 3 + 1 + 2 + 3 priming tokens (o200k_base). */
const PROMPT_TOKENS = 9;

function generated(text: string, usage = SDK_USAGE): LanguageModelV3GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage,
    warnings: [],
    response: { id: "response-1", modelId: "gpt-4o-mini", timestamp: new Date(0) },
  };
}

function streamParts(words: string[], usage = SDK_USAGE): LanguageModelV3StreamPart[] {
  return [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t1" },
    ...words.map((delta): LanguageModelV3StreamPart => ({ type: "text-delta", id: "t1", delta })),
    { type: "text-end", id: "t1" },
    { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
  ];
}

function setup(options: TokenwiseMiddlewareOptions & { texts?: string[]; words?: string[] } = {}) {
  const ledger: Ledger = options.ledger ?? createMemoryLedger();
  const texts = [...(options.texts ?? ["Hello!"])];
  const mock = new MockLanguageModelV3({
    modelId: "gpt-4o-mini",
    doGenerate: async () => generated(texts.shift() ?? "no more"),
    doStream: async () => ({
      stream: simulateReadableStream({ chunks: streamParts(options.words ?? ["One", " two"]) }),
    }),
  });
  const middleware = tokenwiseMiddleware({ ...options, ledger });
  const model = wrapLanguageModel({ model: mock, middleware });
  return { mock, model, ledger, middleware };
}

describe("tokenwiseMiddleware with generateText", () => {
  it("records the SDK's usage at its exact cost", async () => {
    const { model, ledger } = setup({ budget: { limit: "1" } });
    const { text } = await generateText({ model, prompt: "Hello there" });
    expect(text).toBe("Hello!");
    const [record] = await ledger.records();
    expect(record).toMatchObject({
      model: "gpt-4o-mini",
      provider: "mock-provider",
      usage: USAGE,
      cost: USAGE_COST,
      requestId: "response-1",
    });
    expect(await ledger.spent("default")).toBe(USAGE_COST);
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("reserves the worst case: the counted prompt plus maxOutputTokens", async () => {
    const ledger = createMemoryLedger();
    const amounts: bigint[] = [];
    const spy: Ledger = {
      ...ledger,
      reserve: (options) => {
        amounts.push(options.amount);
        return ledger.reserve(options);
      },
    };
    const { model } = setup({ ledger: spy, budget: { limit: "1" } });
    await generateText({ model, prompt: "Hello there", maxOutputTokens: 100 });
    // 9 × $0.15/M + 100 × $0.60/M
    expect(PROMPT_TOKENS).toBe(9);
    expect(amounts).toEqual([usd("0.00006135")]);
  });

  it("refuses a call over budget without calling the model", async () => {
    const { model, mock, ledger } = setup({ budget: { scope: "team", limit: "0.00005" } });
    const failure = await generateText({
      model,
      prompt: "Hello there",
      maxOutputTokens: 100,
      maxRetries: 0,
    }).catch((error: unknown) => error);
    expect(TokenwiseError.hasCode(failure, "budget_exceeded")).toBe(true);
    expect((failure as TokenwiseError).message).toContain("worst case is $0.00006135");
    expect(budgetExceededDetails(failure)).toEqual({
      reason: "over_budget",
      scope: "team",
      limit: usd("0.00005"),
      spent: 0n,
      reserved: 0n,
      remaining: usd("0.00005"),
      worstCase: usd("0.00006135"),
      model: "gpt-4o-mini",
      inputTokens: PROMPT_TOKENS,
      maxOutputTokens: 100,
      retryable: false,
    });
    expect(mock.doGenerateCalls).toHaveLength(0);
    expect(await ledger.records()).toEqual([]);
  });

  it("refuses a model the catalog does not know before calling it", async () => {
    const mock = new MockLanguageModelV3({ modelId: "gpt-4o-mnii", doGenerate: generated("x") });
    const model = wrapLanguageModel({ model: mock, middleware: tokenwiseMiddleware() });
    const failure = await generateText({ model, prompt: "Hi", maxRetries: 0 }).catch(
      (error: unknown) => error,
    );
    expect(TokenwiseError.hasCode(failure, "unknown_model")).toBe(true);
    expect(mock.doGenerateCalls).toHaveLength(0);
  });

  it("prices with the `model` option when the SDK's model id is not a catalog name", async () => {
    const mock = new MockLanguageModelV3({ modelId: "my-deployment", doGenerate: generated("x") });
    const middleware = tokenwiseMiddleware({ model: "gpt-4o-mini" });
    await generateText({ model: wrapLanguageModel({ model: mock, middleware }), prompt: "Hi" });
    expect((await middleware.ledger.records())[0]?.cost).toBe(USAGE_COST);
  });

  it("serves a repeated temperature-0 call from the cache at $0", async () => {
    const { model, mock, ledger } = setup({
      texts: ["first", "second"],
      cache: { store: createMemoryStore(), namespace: "tenant-a" },
    });
    const first = await generateText({ model, prompt: "Hello there", temperature: 0 });
    const second = await generateText({ model, prompt: "Hello there", temperature: 0 });
    expect([first.text, second.text]).toEqual(["first", "first"]);
    expect(mock.doGenerateCalls).toHaveLength(1);
    const records = await ledger.records();
    expect(records.map((record) => [record.cost, record.cached === true])).toEqual([
      [USAGE_COST, false],
      [0n, true],
    ]);
  });

  it("does not cache sampled calls, and keeps namespaces apart", async () => {
    const store = createMemoryStore();
    const { model, mock } = setup({ texts: ["a", "b"], cache: { store, namespace: "tenant-a" } });
    await generateText({ model, prompt: "Hello there", temperature: 0.7 });
    await generateText({ model, prompt: "Hello there", temperature: 0.7 });
    expect(mock.doGenerateCalls).toHaveLength(2);
    const tenantA = setup({ texts: ["for A"], cache: { store, namespace: "tenant-a" } });
    const tenantB = setup({ texts: ["for B"], cache: { store, namespace: "tenant-b" } });
    await generateText({ model: tenantA.model, prompt: "Tenant", temperature: 0 });
    const answer = await generateText({ model: tenantB.model, prompt: "Tenant", temperature: 0 });
    expect(answer.text).toBe("for B");
  });

  it("counts usage locally when the model reports none", async () => {
    const silent: LanguageModelV3Usage = {
      inputTokens: {
        total: undefined,
        noCache: undefined,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
    const mock = new MockLanguageModelV3({
      modelId: "gpt-4o-mini",
      doGenerate: generated("Four words right here", silent),
    });
    const middleware = tokenwiseMiddleware();
    await generateText({
      model: wrapLanguageModel({ model: mock, middleware }),
      prompt: "Hello there",
    });
    const [record] = await middleware.ledger.records();
    const outputTokens = countTextTokens("Four words right here", "o200k_base").tokens;
    expect(record?.usage).toEqual({ ...emptyUsage(), inputTokens: PROMPT_TOKENS, outputTokens });
    expect(record?.metadata?.usageCountedLocally).toBe(true);
  });

  it("releases the reservation when the model fails", async () => {
    const mock = new MockLanguageModelV3({
      modelId: "gpt-4o-mini",
      doGenerate: async () => {
        throw new Error("upstream down");
      },
    });
    const middleware = tokenwiseMiddleware({ budget: { limit: "1" } });
    const model = wrapLanguageModel({ model: mock, middleware });
    await expect(generateText({ model, prompt: "Hi", maxRetries: 0 })).rejects.toThrow(
      "upstream down",
    );
    expect(await middleware.ledger.reserved("default")).toBe(0n);
    expect(await middleware.ledger.records()).toEqual([]);
  });
});

describe("tokenwiseMiddleware with streamText", () => {
  it("records the streamed usage at its exact cost", async () => {
    const { model, ledger } = setup({ words: ["One", " two", " three"], budget: { limit: "1" } });
    const result = streamText({ model, prompt: "Hello there" });
    expect(await result.text).toBe("One two three");
    const [record] = await ledger.records();
    expect(record).toMatchObject({ usage: USAGE, cost: USAGE_COST });
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("replays a cached reply as a stream without calling the model", async () => {
    const { model, mock, ledger } = setup({
      words: ["Cached", " reply"],
      cache: { store: createMemoryStore() },
    });
    expect(await streamText({ model, prompt: "Hello there", temperature: 0 }).text).toBe(
      "Cached reply",
    );
    const replay = streamText({ model, prompt: "Hello there", temperature: 0 });
    expect(await replay.text).toBe("Cached reply");
    expect((await replay.usage).inputTokens).toBe(1000);
    expect(mock.doStreamCalls).toHaveLength(1);
    expect((await ledger.records()).map((record) => record.cached === true)).toEqual([false, true]);
  });

  it("charges the part that arrived when the reader stops early", async () => {
    const { model, ledger } = setup({ words: ["Alpha", " beta", " gamma", " delta"] });
    const { stream } = await model.doStream({
      prompt: [{ role: "user", content: [{ type: "text", text: "Hello there" }] }],
    });
    const reader = stream.getReader();
    const seen: LanguageModelV3StreamPart[] = [];
    while (seen.length < 3) {
      const next = await reader.read();
      if (next.done) break;
      seen.push(next.value);
    }
    await reader.cancel();
    expect(seen.map((part) => part.type)).toEqual(["stream-start", "text-start", "text-delta"]);
    const [record] = await ledger.records();
    const usage = {
      ...emptyUsage(),
      inputTokens: PROMPT_TOKENS,
      outputTokens: countTextTokens("Alpha", "o200k_base").tokens,
    };
    expect(record).toMatchObject({ usage, cost: costFromUsage("gpt-4o-mini", usage).total });
    expect(record?.metadata?.partial).toBe(true);
  });
});

describe("tokenwiseMiddleware when a call's lease is lost", () => {
  const PROMPT = [
    { role: "user" as const, content: [{ type: "text" as const, text: "Hello there" }] },
  ];
  /** gpt-4o-mini: 9 prompt tokens + 100 output tokens at most. */
  const WORST_CASE = usd("0.00006135");
  const LIMIT = usd("0.0001");

  /**
   * A memory ledger on a clock the test moves, with a spy on settle, and `loseLease()`: the
   * clock jumps past the running call's lease and another call takes the room it freed, so
   * the next renewal can reserve the call again nowhere.
   */
  function losingLedger() {
    let now = 0;
    const memory = createMemoryLedger({ now: () => now });
    const settled: string[] = [];
    const ledger: Ledger = {
      ...memory,
      settle: (id, actual, record) => {
        settled.push(id);
        return memory.settle(id, actual, record);
      },
    };
    const loseLease = async () => {
      now += 60_000;
      await memory.reserve({ scope: "team", amount: LIMIT - 1n, ttlMs: 600_000, limit: LIMIT });
    };
    return { ledger, memory, settled, loseLease };
  }

  const budget = { scope: "team", limit: LIMIT, reservationTtlMs: 30 };

  async function waitFor(condition: () => boolean): Promise<void> {
    for (let tries = 0; tries < 400 && !condition(); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(condition()).toBe(true);
  }

  it.each([
    ["aborts a generate call it was waiting for", true],
    ["stops waiting for a generate call that ignores its abortSignal", false],
  ])("%s, charging nothing", async (_name, honoursSignal) => {
    const { ledger, memory, settled, loseLease } = losingLedger();
    let called = false;
    let signalled = false;
    const mock = new MockLanguageModelV3({
      modelId: "gpt-4o-mini",
      doGenerate: (options) =>
        new Promise((_resolve, reject) => {
          called = true;
          options.abortSignal?.addEventListener("abort", () => {
            signalled = true;
            if (honoursSignal) reject(options.abortSignal?.reason);
          });
        }),
    });
    const middleware = tokenwiseMiddleware({ ledger, budget });
    const model = wrapLanguageModel({ model: mock, middleware });
    const failure = generateText({
      model,
      prompt: "Hello there",
      maxOutputTokens: 100,
      maxRetries: 0,
    })
      .then(() => undefined)
      .catch((error: unknown) => error);
    await waitFor(() => called);
    expect(await memory.reserved("team")).toBe(WORST_CASE);
    await loseLease();
    const error = await failure;
    expect(signalled).toBe(true);
    expect(budgetExceededDetails(error)).toMatchObject({
      reason: "lease_lost",
      scope: "team",
      limit: LIMIT,
      worstCase: WORST_CASE,
      model: "gpt-4o-mini",
    });
    expect((error as TokenwiseError).message).toContain("expired while it ran");
    expect(settled).toEqual([]);
    expect(await memory.spent("team")).toBe(0n);
    expect(await memory.records()).toEqual([]);
    // Only the other call's reservation is held.
    expect(await memory.reserved("team")).toBe(LIMIT - 1n);
  });

  it("stops a stream, cancels the model's stream and charges what arrived, once", async () => {
    const { ledger, memory, settled, loseLease } = losingLedger();
    let cancelledWith: unknown;
    let sawAbort = false;
    const mock = new MockLanguageModelV3({
      modelId: "gpt-4o-mini",
      doStream: async (options) => {
        options.abortSignal?.addEventListener("abort", () => {
          sawAbort = true;
        });
        return {
          stream: new ReadableStream<LanguageModelV3StreamPart>({
            start(controller) {
              controller.enqueue({ type: "stream-start", warnings: [] });
              controller.enqueue({ type: "text-start", id: "t1" });
              controller.enqueue({ type: "text-delta", id: "t1", delta: "Alpha" });
            },
            // Then nothing more arrives: the upstream stalls.
            pull: () => new Promise<void>(() => {}),
            cancel(reason) {
              cancelledWith = reason;
            },
          }),
        };
      },
    });
    const middleware = tokenwiseMiddleware({ ledger, budget });
    const wrapped = wrapLanguageModel({ model: mock, middleware });
    const { stream } = await wrapped.doStream({ prompt: PROMPT, maxOutputTokens: 100 });
    const reader = stream.getReader();
    const seen: string[] = [];
    for (let index = 0; index < 3; index++) {
      const next = await reader.read();
      if (!next.done) seen.push(next.value.type);
    }
    expect(seen).toEqual(["stream-start", "text-start", "text-delta"]);
    const waiting = reader.read().catch((error: unknown) => error);
    await loseLease();
    const error = await waiting;
    expect(budgetExceededDetails(error)?.reason).toBe("lease_lost");
    expect(sawAbort).toBe(true);
    expect(budgetExceededDetails(cancelledWith)?.reason).toBe("lease_lost");
    const records = await memory.records();
    const usage = {
      ...emptyUsage(),
      inputTokens: PROMPT_TOKENS,
      outputTokens: countTextTokens("Alpha", "o200k_base").tokens,
    };
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ scope: "team", usage, metadata: { partial: true } });
    expect(settled).toHaveLength(1);
    expect(await memory.spent("team")).toBe(costFromUsage("gpt-4o-mini", usage).total);
    expect(await memory.reserved("team")).toBe(LIMIT - 1n);
    // Reading on, or cancelling, settles nothing more.
    await reader.cancel().catch(() => {});
    expect(settled).toHaveLength(1);
  });

  it("lets a slow stream whose lease stays renewed run to its end", async () => {
    // Real time: without renewals the 30 ms lease would lapse several times over.
    const ledger = createMemoryLedger();
    const mock = new MockLanguageModelV3({
      modelId: "gpt-4o-mini",
      doStream: async () => ({
        stream: simulateReadableStream({
          chunks: streamParts(["One", " two", " three"]),
          chunkDelayInMs: 25,
        }),
      }),
    });
    const middleware = tokenwiseMiddleware({ ledger, budget });
    const model = wrapLanguageModel({ model: mock, middleware });
    const result = streamText({ model, prompt: "Hello there", maxOutputTokens: 100 });
    expect(await result.text).toBe("One two three");
    expect(await ledger.spent("team")).toBe(USAGE_COST);
    expect(await ledger.reserved("team")).toBe(0n);
  });
});

describe("tokenwiseMiddleware across a price change", () => {
  // claude-sonnet-5: $2/$10 per million tokens until 2026-08-31, $3/$15 from 2026-09-01.
  const BEFORE_CHANGE = Date.UTC(2026, 7, 31, 23, 59, 59, 500);
  const AFTER_CHANGE = Date.UTC(2026, 8, 1, 0, 0, 1);
  const sonnetUsage: LanguageModelV3Usage = {
    inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 1000, text: 1000, reasoning: 0 },
  };

  afterEach(() => {
    vi.useRealTimers();
  });

  function crossingModel(ledger: Ledger) {
    const amounts: bigint[] = [];
    const spy: Ledger = {
      ...ledger,
      reserve: (options) => {
        amounts.push(options.amount);
        return ledger.reserve(options);
      },
    };
    const mock = new MockLanguageModelV3({
      modelId: "claude-sonnet-5",
      doGenerate: async () => {
        vi.setSystemTime(AFTER_CHANGE);
        return generated("A story.", sonnetUsage);
      },
      doStream: async () => {
        vi.setSystemTime(AFTER_CHANGE);
        return {
          stream: simulateReadableStream({ chunks: streamParts(["A story."], sonnetUsage) }),
        };
      },
    });
    const middleware = tokenwiseMiddleware({ ledger: spy, budget: { limit: "1" } });
    return { model: wrapLanguageModel({ model: mock, middleware }), amounts };
  }

  it.each(["generate", "stream"] as const)(
    "settles a call reserved just before it at the same prices (%s)",
    async (how) => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(BEFORE_CHANGE);
      const ledger = createMemoryLedger();
      const { model, amounts } = crossingModel(ledger);
      const call = { model, prompt: "Write a story.", maxOutputTokens: 1000, maxRetries: 0 };
      if (how === "generate") await generateText(call);
      else await streamText(call).consumeStream();
      const [record] = await ledger.records();
      const august = costFromUsage(
        "claude-sonnet-5",
        { ...emptyUsage(), inputTokens: 5, outputTokens: 1000 },
        { at: "2026-08-31" },
      );
      expect(record?.cost).toBe(august.total);
      expect(record?.cost).toBeLessThanOrEqual(amounts[0] as bigint);
    },
  );
});
