/**
 * The middleware around `@ai-sdk/openai`'s default `openai("model")`, which speaks the
 * Responses API, against the real mock upstream over HTTP (the middleware's documented example).
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../../adapters/mock-upstream/index.js";
import { costFromUsage } from "../../core/cost/index.js";
import { tokenwiseMiddleware } from "./index.js";

const API_KEY = "sk-test-ai-sdk-0123456789";
let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { openai: API_KEY } });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ cachedInputTokens: 0, reasoningTokens: 0, script: [] });
});

function wrapped(modelId: string) {
  const openai = createOpenAI({ baseURL: `${mock.url}/v1`, apiKey: API_KEY });
  const middleware = tokenwiseMiddleware({ budget: { limit: "1" } });
  return { model: wrapLanguageModel({ model: openai(modelId), middleware }), middleware };
}

describe("tokenwiseMiddleware with @ai-sdk/openai (Responses API)", () => {
  it("generates through POST /v1/responses and records the exact cost", async () => {
    mock.setBehavior({ cachedInputTokens: 4 });
    const { model, middleware } = wrapped("gpt-4o-mini");
    const { text, usage } = await generateText({
      model,
      prompt: "Name three primes.",
      temperature: 0,
    });
    expect(text).toBe("Echo: Name three primes.");
    expect(mock.requests.map((request) => request.path)).toEqual(["/v1/responses"]);
    expect(usage.inputTokenDetails.cacheReadTokens).toBe(4);
    const [record] = await middleware.ledger.records();
    expect(record?.usage).toMatchObject({ cachedInputTokens: 4, inputTokens: usage.inputTokens });
    expect(record?.cost).toBe(costFromUsage("gpt-4o-mini", record?.usage ?? ({} as never)).total);
    expect(record?.cost).toBeGreaterThan(0n);
  });

  it("streams through the Responses API, reasoning tokens included in the charge", async () => {
    mock.setBehavior({ reasoningTokens: 12 });
    const { model, middleware } = wrapped("o4-mini");
    const result = streamText({ model, prompt: "Hello there" });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("Echo: Hello there");
    const [record] = await middleware.ledger.records();
    expect(record?.usage.reasoningTokens).toBe(12);
    expect(record?.cost).toBe(costFromUsage("o4-mini", record?.usage ?? ({} as never)).total);
    expect(mock.requests[0]?.path).toBe("/v1/responses");
  });
});
