import { describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import type { ChatChunk, ChatProvider } from "../../adapters/providers/index.js";
import { failureOf } from "../../adapters/providers/test-support/failure-of.js";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import { budgetExceededDetails } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { usd } from "../../core/money/index.js";
import { countChatTokens, countTextTokens } from "../../core/tokens/index.js";
import { type CreateClientOptions, createClient } from "./index.js";
import { createMockProvider, type MockStep, mockHttpError } from "./test-support/mock-provider.js";

const HELLO: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 100,
};
/** 3 framing + 1 ("user") + 2 ("Hello there") + 3 reply priming, by the cookbook's rules. */
const HELLO_INPUT_TOKENS = 9;
const USAGE: Usage = { ...emptyUsage(), inputTokens: 1000, outputTokens: 200 };
/** 1000 × $0.15/M + 200 × $0.60/M on gpt-4o-mini. */
const USAGE_COST = usd("0.00027");
const noWait = { sleep: async () => {}, retry: { baseDelayMs: 0 } } satisfies CreateClientOptions;

function reply(text: string, usage: Usage = USAGE): MockStep {
  return { kind: "result", result: { message: { role: "assistant", content: text }, usage } };
}

function setup(script: MockStep[], options: CreateClientOptions = {}) {
  const openai = createMockProvider({ name: "openai", script });
  const ledger = createMemoryLedger();
  const client = createClient({ providers: { openai }, ledger, ...noWait, ...options });
  return { openai, ledger, client };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("createClient: models", () => {
  it("refuses an unknown model with suggestions before calling any provider", async () => {
    const { client, openai } = setup([]);
    const error = await failureOf(() => client.chat({ ...HELLO, model: "gpt-4o-mnii" }));
    expect(error.code).toBe("unknown_model");
    expect(error.details.suggestions).toContain("gpt-4o-mini");
    expect(openai.calls).toHaveLength(0);
  });

  it("refuses an unknown fallback before calling any provider", async () => {
    const { client, openai } = setup([reply("ok")], { fallbacks: ["claude-haiku-4-55"] });
    const error = await failureOf(() => client.chat(HELLO));
    expect(error.code).toBe("unknown_model");
    expect(openai.calls).toHaveLength(0);
  });

  it("sends the model without its provider prefix and reports the reference used", async () => {
    const { client, openai } = setup([reply("ok")]);
    const result = await client.chat({ ...HELLO, model: "openai/gpt-4o-mini" });
    expect(openai.calls[0]?.request.model).toBe("gpt-4o-mini");
    expect(result.modelUsed).toBe("openai/gpt-4o-mini");
    expect(result.attempts).toBe(1);
  });
});

describe("createClient: budget", () => {
  it("reserves the worst case: counted input + max_tokens priced with the catalog", async () => {
    expect(countChatTokens(HELLO.messages, { tokenizer: "o200k_base" }).tokens).toBe(
      HELLO_INPUT_TOKENS,
    );
    const ledger = createMemoryLedger();
    const reserved: bigint[] = [];
    const spyLedger = {
      ...ledger,
      reserve: async (options: Parameters<typeof ledger.reserve>[0]) => {
        reserved.push(options.amount);
        return ledger.reserve(options);
      },
    };
    const { client } = setup([reply("ok")], { ledger: spyLedger, budget: { limit: "1.00" } });
    await client.chat(HELLO);
    // 9 × $0.15/M + 100 × $0.60/M = $0.00000135 + $0.00006
    expect(reserved).toEqual([usd("0.00006135")]);
  });

  it("uses the model's maxOutputTokens as the worst case when max_tokens is absent", async () => {
    expect(defaultCatalog.get("gpt-4o-mini").maxOutputTokens).toBe(16_384);
    const { client, openai } = setup([], { budget: { limit: "0.0098" } });
    const { max_tokens: _omitted, ...request } = HELLO;
    const error = await failureOf(() => client.chat(request));
    // 9 input + 16,384 output tokens on gpt-4o-mini: $0.00000135 + $0.0098304
    expect(error.code).toBe("budget_exceeded");
    expect(budgetExceededDetails(error)?.worstCase).toBe(usd("0.00983175"));
    expect(openai.calls).toHaveLength(0);
  });

  it("throws budget_exceeded with spent, reserved, limit and worst case, and sends nothing", async () => {
    const { client, openai, ledger } = setup([reply("ok")], {
      budget: { scope: "team-a", limit: "0.0003" },
    });
    await client.chat(HELLO);
    expect(await ledger.spent("team-a")).toBe(USAGE_COST);
    const error = await failureOf(() => client.chat(HELLO));
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toBe(
      'Budget exceeded for scope "team-a": this call\'s worst case is $0.00006135 ' +
        "(9 input tokens counted + up to 100 output tokens on gpt-4o-mini), but the limit $0.0003 " +
        "minus spent $0.00027 and reserved $0.00 leaves $0.00003. Nothing was sent. Raise the limit, " +
        "lower max_tokens, or wait for running calls to settle.",
    );
    // The fallback loop adds the attempts it made; everything else is the one shape.
    const { attempts: _attempts, ...details } = error.details;
    expect(details).toEqual({
      reason: "over_budget",
      scope: "team-a",
      limit: usd("0.0003"),
      spent: USAGE_COST,
      reserved: 0n,
      remaining: usd("0.0003") - USAGE_COST,
      worstCase: usd("0.00006135"),
      model: "gpt-4o-mini",
      inputTokens: 9,
      maxOutputTokens: 100,
      retryable: false,
    });
    expect(budgetExceededDetails(error)).toBe(error.details);
    expect(openai.calls).toHaveLength(1);
  });

  it("settles the exact cost and leaves nothing reserved", async () => {
    const { client, ledger } = setup([reply("ok")], { budget: { limit: "1" } });
    const result = await client.chat(HELLO);
    expect(result.cost.total).toBe(USAGE_COST);
    expect(await ledger.spent("default")).toBe(USAGE_COST);
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("releases the reservation when the call fails, charging nothing", async () => {
    const { client, ledger } = setup([{ kind: "error", error: mockHttpError(400) }], {
      budget: { limit: "1" },
    });
    const error = await failureOf(() => client.chat(HELLO));
    expect(error.details.status).toBe(400);
    expect(await ledger.spent("default")).toBe(0n);
    expect(await ledger.reserved("default")).toBe(0n);
    expect(await ledger.records()).toEqual([]);
  });

  it("takes a per-call budget and scope over the client's", async () => {
    const { client, ledger, openai } = setup([reply("ok")], { budget: { limit: "1" } });
    const error = await failureOf(() =>
      client.chat(HELLO, { budget: { limit: usd("0.00006"), scope: "tight" } }),
    );
    expect(error.code).toBe("budget_exceeded");
    expect(error.details.scope).toBe("tight");
    await client.chat(HELLO, { scope: "team-b" });
    expect(await ledger.spent("team-b")).toBe(USAGE_COST);
    expect(openai.calls).toHaveLength(1);
  });

  it("refuses a limit that is not an amount", () => {
    expect(() => createClient({ budget: { limit: "five dollars" } })).toThrow(/budget.limit/);
    expect(() => createClient({ budget: { limit: -1n } })).toThrow(/0 or more/);
  });
});

describe("createClient: response cache", () => {
  const deterministic: ChatRequest = { ...HELLO, temperature: 0 };

  it("answers an identical temperature-0 request from the cache at $0 and records it", async () => {
    const { client, openai, ledger } = setup([reply("Hi!")], {
      cache: { store: createMemoryStore() },
    });
    const first = await client.chat(deterministic);
    const second = await client.chat(deterministic);
    expect(openai.calls).toHaveLength(1);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, attempts: 0, message: first.message });
    expect(second.cost.total).toBe(0n);
    const records = await ledger.records();
    expect(records.map((record) => [record.cost, record.cached === true])).toEqual([
      [USAGE_COST, false],
      [0n, true],
    ]);
    expect(records[1]?.metadata?.savedCost).toBe("0.00027");
    expect(records[1]?.usage).toEqual(emptyUsage());
  });

  it("does not cache a request that samples (temperature left out)", async () => {
    const { client, openai } = setup([reply("a"), reply("b")], {
      cache: { store: createMemoryStore() },
    });
    await client.chat(HELLO);
    const second = await client.chat(HELLO);
    expect(openai.calls).toHaveLength(2);
    expect(second.message.content).toBe("b");
  });

  it("never caches an error", async () => {
    const { client, openai } = setup([{ kind: "error", error: mockHttpError(400) }, reply("ok")], {
      cache: { store: createMemoryStore() },
    });
    await expect(client.chat(deterministic)).rejects.toMatchObject({ code: "provider_error" });
    const result = await client.chat(deterministic);
    expect(result).toMatchObject({ cached: false, message: { content: "ok" } });
    expect(openai.calls).toHaveLength(2);
  });

  it("serves a hit even when the budget has no room left: hits skip the reservation", async () => {
    const { client, openai } = setup([reply("ok")], {
      cache: { store: createMemoryStore() },
      budget: { limit: "0.0003" },
    });
    await client.chat(deterministic);
    await expect(client.chat({ ...deterministic, max_tokens: 1000 })).rejects.toMatchObject({
      code: "budget_exceeded",
    });
    expect((await client.chat(deterministic)).cached).toBe(true);
    expect(openai.calls).toHaveLength(1);
  });

  it("keeps tenants apart: the namespace is part of every key", async () => {
    const store = createMemoryStore();
    const tenantA = setup([reply("for A")], { namespace: "tenant-a", cache: { store } });
    const tenantB = setup([reply("for B")], { namespace: "tenant-b", cache: { store } });
    await tenantA.client.chat(deterministic);
    const answer = await tenantB.client.chat(deterministic);
    expect(answer).toMatchObject({ cached: false, message: { content: "for B" } });
    expect((await tenantA.client.chat(deterministic)).message.content).toBe("for A");
  });

  it("bypasses the cache for a call with cache: false", async () => {
    const { client, openai } = setup([reply("a"), reply("b")], {
      cache: { store: createMemoryStore() },
    });
    await client.chat(deterministic);
    expect((await client.chat(deterministic, { cache: false })).message.content).toBe("b");
    expect(openai.calls).toHaveLength(2);
  });

  it("replays a cached reply as a stream, with its usage, without calling the provider", async () => {
    const { client, openai } = setup([reply("Paris is the capital.")], {
      cache: { store: createMemoryStore() },
    });
    await client.chat(deterministic);
    const stream = client.streamChat(deterministic);
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.text ?? "")).toEqual([
      "Paris",
      " is",
      " the",
      " capital.",
      "",
    ]);
    expect(chunks.at(-1)).toMatchObject({ finishReason: "stop", usage: USAGE });
    expect(await stream.result).toMatchObject({ cached: true, cost: { total: 0n } });
    expect(openai.calls).toHaveLength(1);
  });

  it("caches a finished stream so a later chat call is a hit", async () => {
    const { client, openai } = setup(
      [{ kind: "stream", chunks: [{ text: "Hi" }, { finishReason: "stop", usage: USAGE }] }],
      { cache: { store: createMemoryStore() } },
    );
    await collect(client.streamChat(deterministic));
    const hit = await client.chat(deterministic);
    expect(hit).toMatchObject({ cached: true, message: { content: "Hi" }, usage: USAGE });
    expect(openai.calls.map((call) => call.method)).toEqual(["streamChat"]);
  });
});

describe("createClient: retries and fallbacks", () => {
  it("retries a retryable failure and counts the attempts", async () => {
    const { client, openai, ledger } = setup([
      { kind: "error", error: mockHttpError(503) },
      reply("ok"),
    ]);
    const result = await client.chat(HELLO);
    expect(result.attempts).toBe(2);
    expect(openai.calls).toHaveLength(2);
    expect((await ledger.records()).map((record) => record.cost)).toEqual([USAGE_COST]);
  });

  it("gives a route's partial charge its own request id, so a fallback's row does not fold it away", async () => {
    const charged = mockHttpError(503);
    charged.details.usage = USAGE;
    const { client, ledger } = setup([{ kind: "error", error: charged }, reply("ok")], {
      retry: false,
      fallbacks: ["gpt-4o-mini"],
    });
    const result = await client.chat(HELLO, { requestId: "req-fb" });
    expect(result.message.content).toBe("ok");
    const records = await ledger.records();
    expect(records.map((record) => [record.requestId, record.cost])).toEqual([
      ["req-fb:route-1", USAGE_COST],
      ["req-fb", USAGE_COST],
    ]);
    expect(records[0]?.metadata).toMatchObject({ partial: true, requestId: "req-fb" });
    expect(new Set(records.map((record) => record.requestId)).size).toBe(records.length);
  });

  it("makes one attempt with retry: false", async () => {
    const { client, openai } = setup([{ kind: "error", error: mockHttpError(503) }], {
      retry: false,
    });
    await expect(client.chat(HELLO)).rejects.toMatchObject({ details: { status: 503 } });
    expect(openai.calls).toHaveLength(1);
  });

  it("falls back to the next model once retries are spent, pricing the model that answered", async () => {
    const openai = createMockProvider({
      name: "openai",
      script: [
        { kind: "error", error: mockHttpError(503) },
        { kind: "error", error: mockHttpError(503) },
      ],
    });
    const anthropic = createMockProvider({ name: "anthropic", script: [reply("from claude")] });
    const ledger = createMemoryLedger();
    const client = createClient({
      providers: { openai, anthropic },
      ledger,
      fallbacks: ["claude-haiku-4-5"],
      sleep: async () => {},
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      budget: { limit: "1" },
    });
    const result = await client.chat(HELLO);
    expect(result).toMatchObject({ modelUsed: "claude-haiku-4-5", attempts: 3 });
    expect(anthropic.calls[0]?.request.model).toBe("claude-haiku-4-5");
    const expected = costFromUsage("claude-haiku-4-5", USAGE).total;
    expect(result.cost.total).toBe(expected);
    expect(await ledger.spent("default")).toBe(expected);
    expect(await ledger.reserved("default")).toBe(0n);
  });
});

describe("createClient: streaming", () => {
  const chunks: ChatChunk[] = [
    { text: "One" },
    { text: " two" },
    { text: " three" },
    { finishReason: "stop", usage: USAGE },
  ];

  it("relays chunks and resolves the result with the usage and exact cost", async () => {
    const { client, ledger } = setup([{ kind: "stream", chunks }], { budget: { limit: "1" } });
    const stream = client.streamChat(HELLO);
    const received = await collect(stream);
    expect(received).toEqual(chunks);
    const result = await stream.result;
    expect(result).toMatchObject({
      message: { role: "assistant", content: "One two three" },
      finishReason: "stop",
      usage: USAGE,
      partial: false,
      cached: false,
    });
    expect(result.cost.total).toBe(USAGE_COST);
    expect(await ledger.spent("default")).toBe(USAGE_COST);
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("records the partial reply's cost when the caller stops reading", async () => {
    const { client, ledger } = setup([{ kind: "stream", chunks }], { budget: { limit: "1" } });
    const stream = client.streamChat(HELLO);
    for await (const chunk of stream) {
      expect(chunk.text).toBe("One");
      break;
    }
    const result = await stream.result;
    const outputTokens = countTextTokens("One", "o200k_base").tokens;
    const usage = { ...emptyUsage(), inputTokens: HELLO_INPUT_TOKENS, outputTokens };
    expect(result).toMatchObject({ partial: true, finishReason: "other", usage });
    expect(result.message.content).toBe("One");
    const [record] = await ledger.records();
    expect(record).toMatchObject({ usage, cost: costFromUsage("gpt-4o-mini", usage).total });
    expect(record?.metadata?.partial).toBe(true);
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("charges what arrived when the stream breaks midway, and rejects with that cost", async () => {
    const broken = mockHttpError(502);
    const { client, ledger } = setup([
      { kind: "stream", chunks: [{ text: "Partial" }], thenError: broken },
    ]);
    const stream = client.streamChat(HELLO);
    await expect(collect(stream)).rejects.toBe(broken);
    await expect(stream.result).rejects.toBe(broken);
    const outputTokens = countTextTokens("Partial", "o200k_base").tokens;
    const usage = { ...emptyUsage(), inputTokens: HELLO_INPUT_TOKENS, outputTokens };
    expect(broken.details.usage).toEqual(usage);
    const [record] = await ledger.records();
    expect(record?.usage).toEqual(usage);
  });

  it("runs the call when only the result is read", async () => {
    const { client } = setup([{ kind: "stream", chunks }]);
    const result = await client.streamChat(HELLO).result;
    expect(result.message.content).toBe("One two three");
  });

  it("falls back before the first chunk, never after", async () => {
    const openai = createMockProvider({
      name: "openai",
      script: [{ kind: "error", error: mockHttpError(503) }],
    });
    const anthropic = createMockProvider({
      name: "anthropic",
      script: [{ kind: "stream", chunks }],
    });
    const client = createClient({
      providers: { openai, anthropic },
      fallbacks: ["claude-haiku-4-5"],
      retry: false,
    });
    const stream = client.streamChat(HELLO);
    expect((await collect(stream)).map((chunk) => chunk.text ?? "").join("")).toBe("One two three");
    expect((await stream.result).modelUsed).toBe("claude-haiku-4-5");
  });
});

describe("createClient: generate, countTokens, spend", () => {
  it("generates with the task's temperature preset", async () => {
    const { client, openai } = setup([reply("a"), reply("b"), reply("c")]);
    expect(await client.generate("Sort this list", { task: "code" })).toBe("a");
    await client.generate("Ideas for a party", { task: "brainstorm" });
    await client.generate("Tell me about owls");
    expect(openai.calls.map((call) => call.request.temperature)).toEqual([0, 1.3, 0.7]);
    expect(openai.calls[0]?.request).toMatchObject({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Sort this list" }],
    });
  });

  it("refuses an unknown task, naming the known ones", async () => {
    const { client, openai } = setup([]);
    await expect(client.generate("Hi", { task: "poetry" })).rejects.toThrow(
      /known tasks: code, factual, general, creative, brainstorm/,
    );
    expect(openai.calls).toHaveLength(0);
  });

  it("counts tokens with the provider's endpoint when it has one", async () => {
    const anthropic: ChatProvider = {
      ...createMockProvider({ name: "anthropic", script: [] }),
      countTokens: async () => 42,
    };
    const client = createClient({ providers: { anthropic } });
    const count = await client.countTokens({ ...HELLO, model: "claude-haiku-4-5" });
    expect(count).toEqual({
      tokens: 42,
      exact: true,
      method: "anthropic token counting endpoint",
      source: "provider",
    });
  });

  it("counts locally when the provider has no count endpoint or no key is set", async () => {
    const { client } = setup([]);
    expect(await client.countTokens(HELLO)).toEqual({
      tokens: HELLO_INPUT_TOKENS,
      exact: true,
      method: "o200k_base",
      source: "local",
    });
    const previous = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const estimate = await client.countTokens({ ...HELLO, model: "claude-haiku-4-5" });
      expect(estimate).toMatchObject({ exact: false, source: "local" });
    } finally {
      if (previous !== undefined) process.env.ANTHROPIC_API_KEY = previous;
    }
  });

  it("sums spend from the ledger, overall and per model", async () => {
    const { client } = setup([reply("a"), reply("b")], { cache: { store: createMemoryStore() } });
    await client.chat({ ...HELLO, temperature: 0 });
    await client.chat({ ...HELLO, temperature: 0 });
    await client.chat({ ...HELLO, temperature: 0.5 });
    const spend = await client.spend();
    expect(spend).toMatchObject({ cost: USAGE_COST * 2n, records: 3, cachedRecords: 1 });
    expect(spend.usage).toEqual({ ...emptyUsage(), inputTokens: 2000, outputTokens: 400 });
    expect(spend.groups.map((row) => [row.key, row.records])).toEqual([["gpt-4o-mini", 3]]);
  });
});

describe("createClient: inputs", () => {
  it("names the field that is wrong", async () => {
    const { client } = setup([]);
    await expect(client.chat({ model: "gpt-4o-mini", messages: [] })).rejects.toThrow(
      /request.messages must be a non-empty array/,
    );
    await expect(client.chat({ ...HELLO, max_tokens: -1 })).rejects.toThrow(
      /request.max_tokens must be a whole number/,
    );
    await expect(client.chat(HELLO, { fallbacks: [""] })).rejects.toThrow(/options.fallbacks/);
    expect(() => createClient({ namespace: "" })).toThrow(/namespace/);
  });

  it("builds a missing built-in provider from the environment, naming the variable", async () => {
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const client = createClient();
      await expect(client.chat(HELLO)).rejects.toThrow(/OPENAI_API_KEY/);
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }
  });
});
