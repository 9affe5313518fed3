import type { LanguageModelV3, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { createAiSdkCache } from "./result-cache.js";

const model: LanguageModelV3 = new MockLanguageModelV3({ modelId: "gpt-4o-mini" });
const prompt = [{ role: "user" as const, content: [{ type: "text" as const, text: "Hi" }] }];
const result: LanguageModelV3GenerateResult = {
  content: [{ type: "text", text: "Hello" }],
  finishReason: { unified: "stop", raw: "stop" },
  usage: {
    inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 1, text: 1, reasoning: undefined },
  },
  warnings: [],
  response: { id: "r1", modelId: "gpt-4o-mini", timestamp: new Date(1_000) },
};

describe("createAiSdkCache", () => {
  it("keys deterministic calls only, ignoring transport fields", () => {
    const cache = createAiSdkCache({ store: createMemoryStore(), namespace: "t" });
    const key = cache.keyFor({ prompt, temperature: 0 }, model);
    expect(key).toMatch(/^ai-sdk:t:[0-9a-f]{64}$/);
    expect(
      cache.keyFor(
        { prompt, temperature: 0, headers: { a: "b" }, abortSignal: new AbortController().signal },
        model,
      ),
    ).toBe(key);
    expect(cache.keyFor({ prompt, temperature: 0, maxOutputTokens: 5 }, model)).not.toBe(key);
    expect(cache.keyFor({ prompt }, model)).toBeUndefined();
    const imagePrompt = (data: Uint8Array) => [
      { role: "user" as const, content: [{ type: "file" as const, mediaType: "image/png", data }] },
    ];
    expect(
      cache.keyFor({ prompt: imagePrompt(new Uint8Array([1, 2])), temperature: 0 }, model),
    ).not.toBe(
      cache.keyFor({ prompt: imagePrompt(new Uint8Array([1, 3])), temperature: 0 }, model),
    );
  });

  it("round-trips a result, timestamp included, and never stores an error finish", async () => {
    const cache = createAiSdkCache({ store: createMemoryStore() });
    await cache.set("k", result);
    expect(await cache.get("k")).toEqual(result);
    await cache.set("e", { ...result, finishReason: { unified: "error", raw: undefined } });
    expect(await cache.get("e")).toBeUndefined();
  });
});
