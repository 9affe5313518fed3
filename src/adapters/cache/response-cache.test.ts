import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import type { ChatResult } from "../providers/index.js";
import { createMemoryStore } from "../stores/index.js";
import { createManualClock } from "../stores/test-support/manual-clock.js";
import { createResponseCache } from "./response-cache.js";

const request: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is Python?" }],
  temperature: 0,
};

const result: ChatResult = {
  id: "chatcmpl-1",
  model: "gpt-4o-mini-2024-07-18",
  provider: "openai",
  message: { role: "assistant", content: "A programming language." },
  finishReason: "stop",
  usage: {
    inputTokens: 12,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 5,
    reasoningTokens: 0,
  },
};

function setup(options: { namespace?: string; cacheNonDeterministic?: boolean } = {}) {
  const clock = createManualClock();
  const store = createMemoryStore({ now: clock.now });
  const cache = createResponseCache({
    store,
    namespace: options.namespace ?? "tenant-1",
    ttlMs: 60_000,
    now: clock.now,
    cacheNonDeterministic: options.cacheNonDeterministic,
  });
  return { clock, store, cache };
}

describe("createResponseCache", () => {
  it("misses, stores a successful result, then returns it exactly with its time", async () => {
    const { cache, clock, store } = setup();
    expect(await cache.get(request)).toBeUndefined();
    expect(await cache.set(request, result)).toBe(true);
    expect(await cache.get(request)).toEqual({ result, cachedAt: clock.now() });
    expect(store.size).toBe(1);
    const stored = JSON.parse((await store.get(cache.key(request))) as string);
    expect(stored).toEqual({ format: "tokenwise.response.v1", cachedAt: clock.now(), result });
  });

  it("answers a streaming request from the entry of the same non-streaming one", async () => {
    const { cache } = setup();
    await cache.set(request, result);
    const hit = await cache.get({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(hit?.result.id).toBe("chatcmpl-1");
  });

  it("never answers a different prompt or parameter set", async () => {
    const { cache } = setup();
    await cache.set(request, result);
    expect(
      await cache.get({ ...request, messages: [{ role: "user", content: "What is Rust?" }] }),
    ).toBeUndefined();
    expect(await cache.get({ ...request, max_tokens: 5 })).toBeUndefined();
  });

  it("expires entries after the TTL", async () => {
    const { cache, clock } = setup();
    await cache.set(request, result);
    await clock.advance(60_000);
    expect(await cache.get(request)).toBeUndefined();
  });

  it("keeps tenants apart in one shared store, and clears only its own namespace", async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    const tenantA = createResponseCache({ store, namespace: "a", ttlMs: 60_000 });
    const tenantB = createResponseCache({ store, namespace: "b", ttlMs: 60_000 });
    await tenantA.set(request, result);
    expect(await tenantB.get(request)).toBeUndefined();
    await tenantB.set(request, { ...result, id: "from-b" });
    expect(await tenantA.clear()).toBe(1);
    expect((await tenantB.get(request))?.result.id).toBe("from-b");
    expect(await tenantA.get(request)).toBeUndefined();
  });

  it("neither reads nor writes requests that are not cacheable", async () => {
    const { cache, store } = setup();
    const sampled = { ...request, temperature: 0.7 };
    expect(await cache.set(sampled, result)).toBe(false);
    expect(await cache.set({ ...request, n: 2 }, result)).toBe(false);
    expect(store.size).toBe(0);
    await store.set(cache.key(sampled), "planted");
    expect(await cache.get(sampled)).toBeUndefined();
  });

  it("caches sampled requests when cacheNonDeterministic is set", async () => {
    const { cache } = setup({ cacheNonDeterministic: true });
    const sampled = { ...request, temperature: 0.7 };
    expect(await cache.set(sampled, result)).toBe(true);
    expect((await cache.get(sampled))?.result).toEqual(result);
  });

  it("never caches errors: error finishes are skipped, Error objects refused", async () => {
    const { cache, store } = setup();
    expect(await cache.set(request, { ...result, finishReason: "error" })).toBe(false);
    const error = new Error("upstream 500");
    await expect(cache.set(request, error as unknown as ChatResult)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("errors are never cached"),
    });
    await expect(
      cache.set(request, {
        ...result,
        message: { role: "user", content: "x" },
      } as unknown as ChatResult),
    ).rejects.toMatchObject({ code: "invalid_input", details: { field: "result" } });
    expect(store.size).toBe(0);
  });

  it("treats a corrupt or foreign entry as a miss instead of crashing", async () => {
    const { cache, store } = setup();
    await store.set(cache.key(request), "{not json");
    expect(await cache.get(request)).toBeUndefined();
    await store.set(cache.key(request), JSON.stringify({ format: "other", cachedAt: 1, result }));
    expect(await cache.get(request)).toBeUndefined();
    await store.set(cache.key(request), new Uint8Array([1, 2]));
    expect(await cache.get(request)).toBeUndefined();
  });

  it("deletes one entry", async () => {
    const { cache } = setup();
    await cache.set(request, result);
    expect(await cache.delete(request)).toBe(true);
    expect(await cache.get(request)).toBeUndefined();
  });

  it("needs a namespace and a valid TTL", () => {
    const store = createMemoryStore();
    expect(() => createResponseCache({ store, namespace: "", ttlMs: 1000 })).toThrow(/namespace/);
    expect(() => createResponseCache({ store, namespace: "a", ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
