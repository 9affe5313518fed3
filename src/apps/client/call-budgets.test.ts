/**
 * Budgets through `createClient`: leases kept alive for slow calls against the real mock
 * upstream over HTTP, several budgets per call, and the per-call request id, metadata, cache
 * tenant and retry hook.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLedger, type Ledger } from "../../adapters/ledger/index.js";
import { type MockUpstream, startMockUpstream } from "../../adapters/mock-upstream/index.js";
import { createOpenAICompatibleProvider } from "../../adapters/providers/index.js";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { emptyUsage, type Usage } from "../../core/cost/index.js";
import { budgetExceededDetails, TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { usd } from "../../core/money/index.js";
import { type CreateClientOptions, createClient } from "./index.js";
import { createMockProvider, type MockStep, mockHttpError } from "./test-support/mock-provider.js";

const HELLO: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 100,
  temperature: 0,
};
/** 9 input tokens × $0.15/M + 100 output tokens × $0.60/M on gpt-4o-mini. */
const HELLO_WORST_CASE = usd("0.00006135");
const USAGE: Usage = { ...emptyUsage(), inputTokens: 1000, outputTokens: 200 };
const noWait = { sleep: async () => {}, retry: { baseDelayMs: 0 } } satisfies CreateClientOptions;

function reply(text: string): MockStep {
  return {
    kind: "result",
    result: { message: { role: "assistant", content: text }, usage: USAGE },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createClient: leases against the mock upstream", () => {
  let mock: MockUpstream;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.setBehavior({ latencyMs: 0, streamChunkDelayMs: 0, script: [] });
  });

  function clientFor(ledger: Ledger, limit: bigint) {
    return createClient({
      providers: {
        openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "sk-test" }),
      },
      ledger,
      retry: false,
      budget: { scope: "team", limit, reservationTtlMs: 300 },
    });
  }

  /** Starts 3 calls that fill the budget, then 10 more once a 300 ms lease would have run out. */
  async function overlappingCalls(call: () => Promise<unknown>) {
    const first = Array.from({ length: 3 }, call);
    await pause(700);
    const later = Array.from({ length: 10 }, call);
    const outcomes = await Promise.allSettled([...first, ...later]);
    return {
      admitted: outcomes.filter((outcome) => outcome.status === "fulfilled").length,
      refused: outcomes.flatMap((outcome) =>
        outcome.status === "rejected" ? [outcome.reason as unknown] : [],
      ),
    };
  }

  it("keeps a slow call's reservation alive, so calls started later cannot overspend", async () => {
    mock.setBehavior({ latencyMs: 1500 });
    const ledger = createMemoryLedger();
    const limit = HELLO_WORST_CASE * 3n;
    const client = clientFor(ledger, limit);
    const { admitted, refused } = await overlappingCalls(() => client.chat(HELLO));
    expect(admitted).toBe(3);
    expect(refused).toHaveLength(10);
    expect(refused.every((reason) => TokenwiseError.hasCode(reason, "budget_exceeded"))).toBe(true);
    expect(await ledger.spent("team")).toBeLessThanOrEqual(limit);
    expect(await ledger.reserved("team")).toBe(0n);
  });

  it("keeps a slow stream's reservation alive the same way", async () => {
    mock.setBehavior({ streamChunkDelayMs: 250 });
    const ledger = createMemoryLedger();
    const limit = HELLO_WORST_CASE * 3n;
    const client = clientFor(ledger, limit);
    const { admitted, refused } = await overlappingCalls(() => client.streamChat(HELLO).result);
    expect(admitted).toBe(3);
    expect(refused).toHaveLength(10);
    expect(await ledger.spent("team")).toBeLessThanOrEqual(limit);
    expect(await ledger.reserved("team")).toBe(0n);
  });

  it("partitions the embedding cache by the call's tenant, and records the call's fields", async () => {
    const ledger = createMemoryLedger();
    const client = createClient({
      providers: {
        openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "sk-test" }),
      },
      ledger,
      embeddingCache: { store: createMemoryStore() },
    });
    const request = { model: "text-embedding-3-small", input: ["alpha", "beta"] };
    const embeddings = () => mock.requests.filter((r) => r.operation === "embeddings").length;
    const before = embeddings();
    expect((await client.embed(request, { tenant: "team-a" })).misses).toBe(2);
    expect((await client.embed(request, { tenant: "team-a" })).hits).toBe(2);
    expect((await client.embed(request, { tenant: "team-b", requestId: "emb-1" })).misses).toBe(2);
    expect(embeddings() - before).toBe(2);
    const records = await ledger.records();
    expect(records.at(-1)).toMatchObject({ requestId: "emb-1", metadata: { operation: "embed" } });
  });

  it("stops a stream whose lease was lost with no budget left, and charges what arrived", async () => {
    mock.setBehavior({ streamChunkDelayMs: 40 });
    const memory = createMemoryLedger();
    let lose = false;
    // Once told to, every renewal finds the lease expired, and the budget has no room left.
    const ledger: Ledger = {
      ...memory,
      renew: async (id, ttlMs) => (lose ? undefined : memory.renew(id, ttlMs)),
      reserve: async (options) => {
        if (lose) {
          throw new TokenwiseError("budget_exceeded", "no room", {
            details: { scope: "team", limit: 1n, spent: 1n, reserved: 0n, requested: 1n },
          });
        }
        return memory.reserve(options);
      },
    };
    const client = createClient({
      providers: {
        openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "sk-test" }),
      },
      ledger,
      retry: false,
      budget: { scope: "team", limit: "1.00", reservationTtlMs: 150 },
    });
    const words = Array.from({ length: 40 }, (_, index) => `word${index}`).join(" ");
    const stream = client.streamChat({ ...HELLO, messages: [{ role: "user", content: words }] });
    let chunks = 0;
    let error: unknown;
    try {
      for await (const _chunk of stream) {
        chunks += 1;
        lose = true;
      }
    } catch (caught) {
      error = caught;
    }
    expect(chunks).toBeGreaterThan(0);
    expect(TokenwiseError.hasCode(error, "budget_exceeded")).toBe(true);
    // A ledger of one's own that reports the older, shorter details still yields the one shape.
    expect(budgetExceededDetails(error)).toMatchObject({
      reason: "lease_lost",
      scope: "team",
      limit: 1n,
      spent: 1n,
      reserved: 0n,
      remaining: 0n,
      model: "gpt-4o-mini",
    });
    expect((error as TokenwiseError).details.usage).toMatchObject({
      outputTokens: expect.any(Number),
    });
    const [record] = await memory.records();
    expect(record?.metadata).toMatchObject({ partial: true });
    expect(record?.cost).toBeGreaterThan(0n);
    expect(await memory.spent("team")).toBe(record?.cost);
    expect(await memory.reserved("team")).toBe(0n);
  });
});

describe("createClient: per-call budgets, request id, metadata, tenant, onRetry", () => {
  function setup(script: MockStep[], options: CreateClientOptions = {}) {
    const openai = createMockProvider({ name: "openai", script });
    const ledger = createMemoryLedger();
    const client = createClient({ providers: { openai }, ledger, ...noWait, ...options });
    return { openai, ledger, client };
  }

  it("reserves on every budget of a call, charges each and records once", async () => {
    const { client, ledger, openai } = setup([reply("a"), reply("b")]);
    const budgets = [
      { scope: "key:1", limit: "1.00" },
      { scope: "team:a", limit: HELLO_WORST_CASE * 2n - 1n },
    ];
    const result = await client.chat(HELLO, { budgets });
    expect(await ledger.spent("key:1")).toBe(result.cost.total);
    expect(await ledger.spent("team:a")).toBe(result.cost.total);
    const error = await client
      .chat(HELLO, { budgets: [{ scope: "key:2", limit: "1.00" }, budgets[1] as never] })
      .catch((caught: unknown) => caught as TokenwiseError);
    expect(error).toMatchObject({ code: "budget_exceeded", details: { scope: "team:a" } });
    expect(openai.calls).toHaveLength(1);
    const records = await ledger.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ scope: "key:1", scopes: ["key:1", "team:a"] });
  });

  it("leases per-call budgets for reservationTtlMs, without a client budget", async () => {
    const { client, ledger } = setup([reply("a")], { reservationTtlMs: 4321 });
    const leases: number[] = [];
    const reserve = ledger.reserve.bind(ledger);
    ledger.reserve = async (options) => {
      leases.push(options.ttlMs);
      return reserve(options);
    };
    await client.chat(HELLO, { budgets: [{ scope: "key:1", limit: "1.00" }] });
    expect(leases).toEqual([4321]);
    expect(() => createClient({ reservationTtlMs: 0 })).toThrow(/reservationTtlMs/);
  });

  it("refuses budgets combined with budget, or malformed", async () => {
    const { client } = setup([]);
    await expect(
      client.chat(HELLO, { budgets: [{ scope: "k", limit: "1" }], budget: { limit: "1" } }),
    ).rejects.toMatchObject({ code: "invalid_input", details: { field: "options.budgets" } });
    await expect(client.chat(HELLO, { budgets: [] })).rejects.toMatchObject({
      details: { field: "options.budgets" },
    });
    await expect(
      client.chat(HELLO, { budgets: [{ scope: "k", limit: "-1" }] }),
    ).rejects.toMatchObject({ details: { field: "options.budgets[0].limit" } });
  });

  it("puts the call's requestId and metadata in its spend record, cache hits included", async () => {
    const { client, ledger } = setup([reply("a")], { cache: { store: createMemoryStore() } });
    const options = { requestId: "req-42", metadata: { user: "u-1", reference: "spoofed" } };
    await client.chat(HELLO, options);
    await client.chat(HELLO, { ...options, requestId: "req-43" });
    const records = await ledger.records();
    expect(records.map((record) => [record.requestId, record.cached === true])).toEqual([
      ["req-42", false],
      ["req-43", true],
    ]);
    for (const record of records) {
      expect(record.metadata).toMatchObject({ user: "u-1", reference: "gpt-4o-mini" });
    }
  });

  it("puts the requestId and metadata on a stream's record and a partial charge", async () => {
    const { client, ledger } = setup([
      { kind: "stream", chunks: [{ text: "Hel" }], thenError: mockHttpError(500) },
    ]);
    const stream = client.streamChat(HELLO, { requestId: "req-s", metadata: { user: "u-2" } });
    await expect(stream.result).rejects.toBeDefined();
    const [record] = await ledger.records();
    expect(record).toMatchObject({ requestId: "req-s", metadata: { user: "u-2", partial: true } });
  });

  it("partitions the response cache by the call's tenant", async () => {
    const { client, openai } = setup([reply("for A"), reply("for B")], {
      cache: { store: createMemoryStore() },
    });
    expect((await client.chat(HELLO, { tenant: "team-a" })).cached).toBe(false);
    expect((await client.chat(HELLO, { tenant: "team-a" })).cached).toBe(true);
    const other = await client.chat(HELLO, { tenant: "team-b" });
    expect(other).toMatchObject({ cached: false, message: { content: "for B" } });
    expect(openai.calls).toHaveLength(2);
    await expect(client.chat(HELLO, { tenant: "" })).rejects.toMatchObject({
      details: { field: "options.tenant" },
    });
  });

  it("calls onRetry before each retry wait with the model and a reason", async () => {
    const events: unknown[] = [];
    const { client } = setup([
      { kind: "error", error: mockHttpError(429) },
      { kind: "error", error: mockHttpError(503) },
      reply("ok"),
    ]);
    await client.chat(HELLO, {
      onRetry: ({ attempt, delayMs, model, reason, error }) =>
        events.push({ attempt, delayMs, model, reason, code: (error as TokenwiseError).code }),
    });
    expect(events).toEqual([
      {
        attempt: 1,
        delayMs: 0,
        model: "gpt-4o-mini",
        reason: "HTTP 429 rate_limited",
        code: "rate_limited",
      },
      {
        attempt: 2,
        delayMs: 0,
        model: "gpt-4o-mini",
        reason: "HTTP 503 provider_error",
        code: "provider_error",
      },
    ]);
  });
});
