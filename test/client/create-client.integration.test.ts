/**
 * createClient end to end: the real mock upstream on port 0 reached through the real provider
 * adapters (OpenAI-compatible, Anthropic, Gemini), with real SQLite files and a real Redis.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMemoryLedger,
  createRedisLedger,
  createSqliteLedger,
  type Ledger,
} from "../../src/adapters/ledger/index.js";
import {
  type MockUpstream,
  pseudoEmbedding,
  startMockUpstream,
} from "../../src/adapters/mock-upstream/index.js";
import type { ProviderSpec } from "../../src/adapters/providers/index.js";
import type { ChatChunk } from "../../src/adapters/providers/types.js";
import {
  createRedisStore,
  createSqliteStore,
  type KeyValueStore,
} from "../../src/adapters/stores/index.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "../../src/adapters/stores/test-support/redis-for-tests.js";
import { type CreateClientOptions, createClient } from "../../src/apps/client/index.js";
import { costFromUsage } from "../../src/core/cost/cost-from-usage.js";
import { emptyUsage } from "../../src/core/cost/usage.js";
import { TokenwiseError } from "../../src/core/errors/index.js";
import type { ChatRequest } from "../../src/core/messages/types.js";
import { usd } from "../../src/core/money/index.js";
import { countChatTokens, countTextTokens } from "../../src/core/tokens/index.js";

const KEYS = {
  openai: "sk-test-openai-secret-0123456789abcdef",
  anthropic: "sk-ant-test-secret-0123456789abcdef",
  gemini: "AIza-test-gemini-secret-0123456789abcdef",
};

const GREETING: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "Be brief" },
    { role: "user", content: "Hello there world" },
  ],
  max_tokens: 50,
};
/** By the mock's documented rule: 3 priming + (3 + 2) system + (3 + 5) user. */
const GREETING_USAGE = { ...emptyUsage(), inputTokens: 16, outputTokens: 6 };

function providersFor(mock: MockUpstream): Record<string, ProviderSpec> {
  return {
    openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: KEYS.openai },
    anthropic: { provider: "anthropic", baseUrl: mock.url, apiKey: KEYS.anthropic },
    gemini: { provider: "gemini", baseUrl: `${mock.url}/v1beta`, apiKey: KEYS.gemini },
  };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function failureOf(action: () => Promise<unknown>): Promise<TokenwiseError> {
  try {
    await action();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError");
}

let mock: MockUpstream;
let directory: string;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: KEYS });
  directory = mkdtempSync(join(tmpdir(), "tokenwise-client-"));
});

afterAll(async () => {
  await mock.close();
  rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ script: [], maxInputTokens: undefined, latencyMs: 0, streamChunkDelayMs: 0 });
});

function clientFor(options: CreateClientOptions = {}) {
  const ledger = options.ledger ?? createMemoryLedger();
  const client = createClient({
    providers: providersFor(mock),
    sleep: async () => {},
    retry: { baseDelayMs: 0 },
    ...options,
    ledger,
  });
  return { client, ledger };
}

describe.each([
  { model: "gpt-4o-mini", provider: "openai", path: "/v1/chat/completions" },
  { model: "claude-haiku-4-5", provider: "anthropic", path: "/v1/messages" },
  {
    model: "gemini-2.5-flash",
    provider: "gemini",
    path: "/v1beta/models/gemini-2.5-flash:generateContent",
  },
])("chat through the $provider adapter", ({ model, provider, path }) => {
  it("returns the reply with its exact usage and cost, and records it", async () => {
    const { client, ledger } = clientFor({ budget: { limit: "1" } });
    const result = await client.chat({ ...GREETING, model });
    expect(result.message.content).toBe("Echo: Hello there world");
    expect(result.usage).toEqual(GREETING_USAGE);
    expect(result.provider).toBe(provider);
    const cost = costFromUsage(model, GREETING_USAGE);
    expect(result.cost).toEqual(cost);
    expect(mock.requests.map((request) => request.path)).toEqual([path]);
    const [record] = await ledger.records();
    expect(record).toMatchObject({
      model: cost.model,
      provider,
      cost: cost.total,
      usage: GREETING_USAGE,
    });
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("streams the reply and settles its reported usage", async () => {
    const { client, ledger } = clientFor({ budget: { limit: "1" } });
    const stream = client.streamChat({ ...GREETING, model });
    const text = (await collect(stream)).map((chunk) => chunk.text ?? "").join("");
    expect(text).toBe("Echo: Hello there world");
    const result = await stream.result;
    expect(result).toMatchObject({ usage: GREETING_USAGE, finishReason: "stop", partial: false });
    expect(await ledger.spent("default")).toBe(costFromUsage(model, GREETING_USAGE).total);
  });
});

describe("exact prices", () => {
  it("charges gpt-4o-mini 16 × $0.15/M + 6 × $0.60/M = $0.000006", async () => {
    const { client, ledger } = clientFor();
    expect((await client.chat(GREETING)).cost.total).toBe(usd("0.000006"));
    expect((await client.spend()).cost).toBe(usd("0.000006"));
    expect(await ledger.spent("default")).toBe(usd("0.000006"));
  });
});

describe("budget", () => {
  it("refuses a call whose worst case does not fit, and the upstream receives nothing", async () => {
    const { client, ledger } = clientFor({ budget: { scope: "tiny", limit: "0.00001" } });
    const error = await failureOf(() => client.chat({ ...GREETING, max_tokens: 1000 }));
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toContain("limit $0.00001");
    expect(error.message).toContain("up to 1000 output tokens on gpt-4o-mini");
    expect(mock.requests).toHaveLength(0);
    const streamError = await failureOf(() =>
      collect(client.streamChat({ ...GREETING, max_tokens: 1000 })),
    );
    expect(streamError.code).toBe("budget_exceeded");
    expect(mock.requests).toHaveLength(0);
    expect(await ledger.records()).toEqual([]);
  });

  const concurrentCalls = 30;
  /** gpt-4o-mini, GREETING: local input count + 50 output tokens. */
  const worstCase = () => {
    const inputTokens = countChatTokens(GREETING.messages, { tokenizer: "o200k_base" }).tokens;
    return costFromUsage("gpt-4o-mini", { ...emptyUsage(), inputTokens, outputTokens: 50 }).total;
  };

  async function spendConcurrently(ledgers: [Ledger, Ledger], scope: string) {
    const limit = worstCase() * 10n;
    mock.setBehavior({ latencyMs: 30 });
    const clients = ledgers.map((ledger) => clientFor({ ledger, budget: { scope, limit } }).client);
    const outcomes = await Promise.allSettled(
      Array.from({ length: concurrentCalls }, (_, index) =>
        (clients[index % 2] as (typeof clients)[number]).chat(GREETING),
      ),
    );
    const served = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
    const refused = outcomes.filter(
      (outcome) =>
        outcome.status === "rejected" && TokenwiseError.hasCode(outcome.reason, "budget_exceeded"),
    ).length;
    const [first] = ledgers;
    return {
      limit,
      served,
      refused,
      spent: await first.spent(scope),
      reserved: await first.reserved(scope),
    };
  }

  function expectWithinBudget(outcome: Awaited<ReturnType<typeof spendConcurrently>>) {
    const actual = costFromUsage("gpt-4o-mini", GREETING_USAGE).total;
    expect(outcome.served + outcome.refused).toBe(concurrentCalls);
    expect(outcome.served).toBeGreaterThanOrEqual(10);
    expect(outcome.refused).toBeGreaterThan(0);
    expect(mock.requests).toHaveLength(outcome.served);
    expect(outcome.spent).toBe(actual * BigInt(outcome.served));
    expect(outcome.spent).toBeLessThanOrEqual(outcome.limit);
    expect(outcome.reserved).toBe(0n);
  }

  it("never spends past the limit with 30 concurrent calls on two SQLite connections", async () => {
    const path = join(directory, "budget.db");
    const ledgers: [Ledger, Ledger] = [createSqliteLedger({ path }), createSqliteLedger({ path })];
    try {
      expectWithinBudget(await spendConcurrently(ledgers, "sqlite-team"));
    } finally {
      await Promise.all(ledgers.map((ledger) => ledger.close()));
    }
  });

  describeWithRedis("with Redis", () => {
    it("never spends past the limit with 30 concurrent calls on two Redis connections", async () => {
      const prefix = uniqueRedisPrefix("client-budget");
      const redisClients = [newRedisClient(), newRedisClient()];
      const ledgers = redisClients.map((client) => createRedisLedger({ client, prefix })) as [
        Ledger,
        Ledger,
      ];
      try {
        expectWithinBudget(await spendConcurrently(ledgers, "redis-team"));
      } finally {
        await Promise.all(ledgers.map((ledger) => ledger.close()));
        await deleteRedisPrefix(redisClients[0] as (typeof redisClients)[number], prefix);
        await Promise.all(redisClients.map((client) => client.quit()));
      }
    });
  });
});

describe("retries and fallbacks", () => {
  it("retries a 503 and records one call", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 503 }] });
    const { client, ledger } = clientFor();
    const result = await client.chat(GREETING);
    expect(result.attempts).toBe(2);
    expect(mock.requests).toHaveLength(2);
    expect(await ledger.records()).toHaveLength(1);
  });

  it("falls back to Anthropic once OpenAI keeps failing", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 500, times: 2 }] });
    const { client } = clientFor({
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      fallbacks: ["claude-haiku-4-5"],
    });
    const result = await client.chat(GREETING);
    expect(result).toMatchObject({
      modelUsed: "claude-haiku-4-5",
      provider: "anthropic",
      attempts: 3,
    });
    expect(mock.requests.map((request) => request.provider)).toEqual([
      "openai",
      "openai",
      "anthropic",
    ]);
  });

  it("sends a context overflow to the first fallback whose window fits", async () => {
    const small = await startMockUpstream({ apiKeys: KEYS, maxInputTokens: 1000 });
    try {
      const client = createClient({
        providers: {
          openai: { provider: "openai", baseUrl: `${small.url}/v1`, apiKey: KEYS.openai },
          anthropic: { provider: "anthropic", baseUrl: mock.url, apiKey: KEYS.anthropic },
        },
        fallbacks: ["gpt-3.5-turbo", "claude-haiku-4-5"],
        sleep: async () => {},
      });
      // About 20,000 tokens: past gpt-3.5-turbo's 16,385-token window, within Claude's.
      const long = "budget ".repeat(20_000);
      const result = await client.chat({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: long }],
        max_tokens: 10,
      });
      expect(result.modelUsed).toBe("claude-haiku-4-5");
      expect(small.requests).toHaveLength(1);
      expect(mock.requests.map((request) => request.provider)).toEqual(["anthropic"]);
    } finally {
      await small.close();
    }
  });
});

describe("response cache on real stores", () => {
  const deterministic: ChatRequest = { ...GREETING, temperature: 0 };

  async function expectCacheWorks(store: KeyValueStore) {
    const { client, ledger } = clientFor({ cache: { store }, namespace: "tenant-1" });
    const first = await client.chat(deterministic);
    const second = await client.chat(deterministic);
    expect(second).toMatchObject({ cached: true, message: first.message, cost: { total: 0n } });
    const streamed = client.streamChat(deterministic);
    const text = (await collect(streamed)).map((chunk) => chunk.text ?? "").join("");
    expect(text).toBe("Echo: Hello there world");
    expect((await streamed.result).cached).toBe(true);
    expect(mock.requests).toHaveLength(1);
    const other = clientFor({ cache: { store }, namespace: "tenant-2" }).client;
    expect((await other.chat(deterministic)).cached).toBe(false);
    expect(mock.requests).toHaveLength(2);
    const records = await ledger.records();
    expect(records.map((record) => record.cached === true)).toEqual([false, true, true]);
  }

  it("works on SQLite", async () => {
    const store = createSqliteStore({ path: join(directory, "cache.db") });
    try {
      await expectCacheWorks(store);
    } finally {
      await store.close();
    }
  });

  describeWithRedis("with Redis", () => {
    it("works on Redis", async () => {
      const redis = newRedisClient();
      const prefix = uniqueRedisPrefix("client-cache");
      const store = createRedisStore({ client: redis, prefix });
      try {
        await expectCacheWorks(store);
      } finally {
        await deleteRedisPrefix(redis, prefix);
        await redis.quit();
      }
    });
  });

  it("never stores an error: the next identical call reaches the upstream", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 400 }] });
    const store = createSqliteStore({ path: join(directory, "errors.db") });
    try {
      const { client } = clientFor({ cache: { store } });
      await expect(client.chat(deterministic)).rejects.toMatchObject({ details: { status: 400 } });
      expect((await client.chat(deterministic)).cached).toBe(false);
      expect(mock.requests).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});

describe("embeddings", () => {
  it("sends only cache misses to OpenAI and prices the tokens sent", async () => {
    const store = createSqliteStore({ path: join(directory, "embeddings.db") });
    try {
      const { client, ledger } = clientFor({ embeddingCache: { store } });
      const first = await client.embed({
        model: "text-embedding-3-small",
        input: ["alpha", "beta", "alpha"],
      });
      // The mock counts ceil(length / 4) tokens per text: "alpha" 2 + "beta" 1.
      expect(first).toMatchObject({
        hits: 0,
        misses: 2,
        usage: { inputTokens: 3, estimated: false },
      });
      expect(first.vectors[0]).toEqual(first.vectors[2]);
      expect(Array.from(first.vectors[1] as Float32Array)).toEqual(
        Array.from(Float32Array.from(pseudoEmbedding("beta", 1536))),
      );
      const second = await client.embed({
        model: "text-embedding-3-small",
        input: ["beta", "gamma", "alpha"],
      });
      expect(second).toMatchObject({ hits: 2, misses: 1, usage: { inputTokens: 2 } });
      expect(second.vectors[0]).toEqual(first.vectors[1]);
      expect(mock.requests.map((request) => (request.body as { input: string[] }).input)).toEqual([
        ["alpha", "beta"],
        ["gamma"],
      ]);
      // 2 tokens × $0.02/M
      expect(second.cost.total).toBe(usd("0.00000004"));
      const third = await client.embed({ model: "text-embedding-3-small", input: "gamma" });
      expect(third).toMatchObject({ hits: 1, misses: 0, cost: { total: 0n } });
      const records = await ledger.records();
      expect(records.map((record) => [record.cost, record.cached === true])).toEqual([
        [usd("0.00000006"), false],
        [usd("0.00000004"), false],
        [0n, true],
      ]);
    } finally {
      await store.close();
    }
  });

  it("sends Gemini batches of at most 100 and keeps the tenant's vectors apart", async () => {
    const store = createSqliteStore({ path: join(directory, "gemini-embeddings.db") });
    try {
      const texts = Array.from({ length: 150 }, (_, index) => `text number ${index}`);
      const { client } = clientFor({ embeddingCache: { store }, namespace: "tenant-a" });
      const result = await client.embed({
        model: "gemini-embedding-001",
        input: texts,
        dimensions: 8,
      });
      expect(result).toMatchObject({ hits: 0, misses: 150, usage: { estimated: true } });
      expect(result.vectors).toHaveLength(150);
      const batchSizes = mock.requests.map(
        (request) => (request.body as { requests: unknown[] }).requests.length,
      );
      expect(batchSizes).toEqual([100, 50]);
      const otherTenant = clientFor({ embeddingCache: { store }, namespace: "tenant-b" }).client;
      expect(
        (
          await otherTenant.embed({
            model: "gemini-embedding-001",
            input: texts[0] as string,
            dimensions: 8,
          })
        ).hits,
      ).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe("token counting", () => {
  it.each(["claude-haiku-4-5", "gemini-2.5-flash"])("uses %s's count endpoint", async (model) => {
    const { client } = clientFor();
    const count = await client.countTokens({ ...GREETING, model });
    expect(count).toMatchObject({ tokens: 16, exact: true, source: "provider" });
    expect(mock.requests.map((request) => request.operation)).toEqual(["count_tokens"]);
  });
});

describe("streams stopped early", () => {
  it("charges the partial reply when the caller aborts", async () => {
    mock.setBehavior({
      streamChunkDelayMs: 20,
      script: [{ type: "reply", text: "one two three four five six seven eight nine ten" }],
    });
    const { client, ledger } = clientFor();
    const controller = new AbortController();
    const stream = client.streamChat(GREETING, { signal: controller.signal });
    const received: string[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of stream) {
        received.push(chunk.text ?? "");
        if (received.length === 2) controller.abort();
      }
    });
    expect(error.code).toBe("aborted");
    const [record] = await ledger.records();
    const inputTokens = countChatTokens(GREETING.messages, { tokenizer: "o200k_base" }).tokens;
    const outputTokens = countTextTokens(received.join(""), "o200k_base").tokens;
    const usage = { ...emptyUsage(), inputTokens, outputTokens };
    expect(record?.usage).toEqual(usage);
    expect(record?.cost).toBe(costFromUsage("gpt-4o-mini", usage).total);
    expect(record?.metadata?.partial).toBe(true);
    expect(error.details.usage).toEqual(usage);
    await expect(stream.result).rejects.toBe(error);
  });
});

describe("secrets", () => {
  it("never puts a key in an error, whatever fails", async () => {
    const wrongKeys = {
      openai: "sk-wrong-openai-key-should-never-leak-1",
      anthropic: "sk-ant-wrong-key-should-never-leak-2",
      gemini: "AIza-wrong-key-should-never-leak-3",
    };
    const client = createClient({
      providers: {
        openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: wrongKeys.openai },
        anthropic: { provider: "anthropic", baseUrl: mock.url, apiKey: wrongKeys.anthropic },
        gemini: { provider: "gemini", baseUrl: `${mock.url}/v1beta`, apiKey: wrongKeys.gemini },
      },
      retry: false,
      budget: { limit: "0.0000001" },
    });
    const errors = [
      await failureOf(() =>
        client.chat({ ...GREETING, max_tokens: 1 }, { budget: { limit: "1" } }),
      ),
      await failureOf(() =>
        client.chat({ ...GREETING, model: "claude-haiku-4-5" }, { budget: { limit: "1" } }),
      ),
      await failureOf(() =>
        collect(
          client.streamChat({ ...GREETING, model: "gemini-2.5-flash" }, { budget: { limit: "1" } }),
        ),
      ),
      await failureOf(() => client.chat(GREETING)),
      await failureOf(() => client.countTokens({ ...GREETING, model: "claude-haiku-4-5" })),
    ];
    expect(errors.map((error) => error.code)).toEqual([
      "provider_error",
      "provider_error",
      "provider_error",
      "budget_exceeded",
      "provider_error",
    ]);
    expect(errors.slice(0, 3).map((error) => error.details.status)).toEqual([401, 401, 401]);
    for (const error of errors) {
      const everything = `${error.message} ${inspect(error, { depth: 10 })} ${JSON.stringify(error.details, (_key, value) => (typeof value === "bigint" ? String(value) : value))}`;
      for (const key of Object.values(wrongKeys)) expect(everything).not.toContain(key);
    }
  });
});
