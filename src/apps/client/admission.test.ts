/**
 * A call's `admission`: a check (a gateway's rate limit) that runs while the call reserves and
 * must pass before anything is sent or a cache hit is returned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { type MockUpstream, startMockUpstream } from "../../adapters/mock-upstream/index.js";
import { createOpenAICompatibleProvider } from "../../adapters/providers/index.js";
import { failureOf } from "../../adapters/providers/test-support/failure-of.js";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { emptyUsage, type Usage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type CreateClientOptions, createClient } from "./index.js";
import { createMockProvider, type MockStep, mockHttpError } from "./test-support/mock-provider.js";

const HELLO: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 100,
  temperature: 0,
};
const USAGE: Usage = { ...emptyUsage(), inputTokens: 1000, outputTokens: 200 };
const noWait = { sleep: async () => {}, retry: { baseDelayMs: 0 } } satisfies CreateClientOptions;

function reply(text: string): MockStep {
  return {
    kind: "result",
    result: { message: { role: "assistant", content: text }, usage: USAGE },
  };
}

function setup(script: MockStep[], options: CreateClientOptions = {}) {
  const openai = createMockProvider({ name: "openai", script });
  const ledger = createMemoryLedger();
  const client = createClient({
    providers: { openai },
    ledger,
    budget: { limit: "1" },
    ...noWait,
    ...options,
  });
  return { openai, ledger, client };
}

/** A promise settled by hand, and whether anything waited on it yet. */
function gate() {
  let resolve: () => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const limited = () =>
  new TokenwiseError("provider_error", "rate limited", {
    details: { status: 429, retryable: true },
  });

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("client call admission", () => {
  it("reserves while the admission is pending and sends nothing until it passes", async () => {
    const { client, ledger, openai } = setup([reply("ok")]);
    const admission = gate();
    const call = client.chat(HELLO, { admission: admission.promise });
    await tick();
    expect(await ledger.reserved("default")).toBeGreaterThan(0n);
    expect(openai.calls).toHaveLength(0);
    admission.resolve();
    expect((await call).message.content).toBe("ok");
    expect(openai.calls).toHaveLength(1);
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("on refusal releases the reservation, sends nothing, records nothing and tries no fallback", async () => {
    const { client, ledger, openai } = setup([reply("a"), reply("b")], {
      fallbacks: ["gpt-4o"],
    });
    const refusal = limited();
    const error = await failureOf(() => client.chat(HELLO, { admission: Promise.reject(refusal) }));
    expect(error).toBe(refusal);
    expect(openai.calls).toHaveLength(0);
    expect(await ledger.reserved("default")).toBe(0n);
    expect(await ledger.spent("default")).toBe(0n);
    expect(await ledger.records()).toEqual([]);
  });

  it("lets the admission's refusal win over the budget's", async () => {
    const { client, openai } = setup([reply("ok")], { budget: { limit: "0.000001" } });
    const refusal = limited();
    const error = await failureOf(() => client.chat(HELLO, { admission: Promise.reject(refusal) }));
    expect(error).toBe(refusal);
    expect(openai.calls).toHaveLength(0);
  });

  it("reports the budget's refusal when the admission passes", async () => {
    const { client } = setup([reply("ok")], { budget: { limit: "0.000001" } });
    const error = await failureOf(() => client.chat(HELLO, { admission: Promise.resolve() }));
    expect(error.code).toBe("budget_exceeded");
  });

  it("returns no cache hit to a refused call, and records none", async () => {
    const { client, ledger } = setup([reply("cached")], { cache: { store: createMemoryStore() } });
    await client.chat(HELLO);
    const refusal = limited();
    const error = await failureOf(() => client.chat(HELLO, { admission: Promise.reject(refusal) }));
    expect(error).toBe(refusal);
    expect((await ledger.records()).filter((record) => record.cached === true)).toEqual([]);
    expect((await client.chat(HELLO, { admission: Promise.resolve() })).cached).toBe(true);
  });

  it("opens no stream for a refused call", async () => {
    const { client, ledger, openai } = setup([reply("ok")]);
    const refusal = limited();
    const stream = client.streamChat(HELLO, { admission: Promise.reject(refusal) });
    const error = await failureOf(async () => {
      for await (const _chunk of stream);
    });
    expect(error).toBe(refusal);
    await expect(stream.result).rejects.toBe(refusal);
    expect(openai.calls).toHaveLength(0);
    expect(await ledger.reserved("default")).toBe(0n);
  });

  it("leaves no unhandled rejection when the call fails before waiting for it", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { client } = setup([reply("ok")]);
      await expect(
        client.chat({ ...HELLO, model: "gpt-4o-mimi" }, { admission: Promise.reject(limited()) }),
      ).rejects.toMatchObject({ code: "unknown_model" });
      const stream = client.streamChat(HELLO, { admission: Promise.reject(limited()) });
      await tick();
      await tick();
      expect(unhandled).toEqual([]);
      await expect(stream.result).rejects.toThrow("rate limited");
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("still fails over when the admission passed and the first model fails", async () => {
    const { client, openai } = setup([{ kind: "error", error: mockHttpError(503) }, reply("b")], {
      retry: false,
      fallbacks: ["gpt-4o"],
    });
    const result = await client.chat(HELLO, { admission: Promise.resolve() });
    expect(result).toMatchObject({ modelUsed: "gpt-4o", message: { content: "b" } });
    expect(openai.calls).toHaveLength(2);
  });
});

describe("embedding call admission", () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(async () => {
    await mock.close();
  });

  it("releases the reservation and sends nothing when refused", async () => {
    const ledger = createMemoryLedger();
    const client = createClient({
      providers: {
        openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "sk-test" }),
      },
      ledger,
      budget: { limit: "1" },
    });
    const embeddings = () => mock.requests.filter((r) => r.operation === "embeddings").length;
    const before = embeddings();
    const refusal = limited();
    const request = { model: "text-embedding-3-small", input: ["alpha"] };
    const error = await failureOf(() =>
      client.embed(request, { admission: Promise.reject(refusal) }),
    );
    expect(error).toBe(refusal);
    expect(embeddings()).toBe(before);
    expect(await ledger.reserved("default")).toBe(0n);
    expect((await client.embed(request, { admission: Promise.resolve() })).misses).toBe(1);
    expect(embeddings()).toBe(before + 1);
  });
});
