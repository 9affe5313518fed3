import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/index.js";
import { createAnthropicProvider } from "./anthropic-provider.js";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { anthropic: "sk-ant-test" } });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ script: [] });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const REQUEST: ChatRequest = {
  model: "claude-haiku-4-5",
  messages: [
    { role: "system", content: "Answer in French." },
    { role: "user", content: "What is the capital of Italy?" },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "search",
        parameters: { type: "object", properties: { q: { type: "string" } } },
      },
    },
  ],
};

describe("createAnthropicProvider", () => {
  it("sends x-api-key and anthropic-version, and a default max_tokens", async () => {
    const anthropic = createAnthropicProvider({ baseUrl: mock.url, apiKey: "sk-ant-test" });
    await anthropic.chat(REQUEST);
    const recorded = mock.requests[0];
    expect(recorded?.path).toBe("/v1/messages");
    expect(recorded?.headers).toMatchObject({
      "x-api-key": "[redacted]",
      "anthropic-version": "2023-06-01",
    });
    expect(recorded?.body).toMatchObject({
      max_tokens: 4096,
      system: [{ type: "text", text: "Answer in French." }],
    });
  });

  it("honours anthropicVersion and defaultMaxTokens", async () => {
    const anthropic = createAnthropicProvider({
      baseUrl: mock.url,
      apiKey: "sk-ant-test",
      anthropicVersion: "2024-01-01",
      defaultMaxTokens: 512,
    });
    await anthropic.chat(REQUEST);
    expect(mock.requests[0]?.headers["anthropic-version"]).toBe("2024-01-01");
    expect(mock.requests[0]?.body).toMatchObject({ max_tokens: 512 });
  });

  it("counts tokens with count_tokens, matching the input usage of the call", async () => {
    const anthropic = createAnthropicProvider({ baseUrl: mock.url, apiKey: "sk-ant-test" });
    const counted = await anthropic.countTokens(REQUEST);
    const result = await anthropic.chat(REQUEST);
    expect(counted).toBe(result.usage.inputTokens);
    // 3 priming + (3 + 5) system + (3 + 8) user + 22 for the tool declaration JSON (87 chars).
    expect(counted).toBe(44);
    expect(mock.requests[0]?.path).toBe("/v1/messages/count_tokens");
    expect(mock.requests[0]?.body).not.toHaveProperty("max_tokens");
  });

  it("maps 529 overloaded to a retryable provider_error", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 529 }] });
    const anthropic = createAnthropicProvider({ baseUrl: mock.url, apiKey: "sk-ant-test" });
    await expect(anthropic.chat(REQUEST)).rejects.toMatchObject({
      code: "provider_error",
      details: {
        status: 529,
        retryable: true,
        providerMessage: "Overloaded",
        providerCode: "overloaded_error",
      },
    });
  });

  it("has no embeddings and needs a key", () => {
    expect(createAnthropicProvider({ apiKey: "k" })).not.toHaveProperty("embed");
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    expect(() => createAnthropicProvider()).toThrow("set ANTHROPIC_API_KEY");
    vi.stubEnv("ANTHROPIC_API_KEY", "from-env");
    expect(createAnthropicProvider().name).toBe("anthropic");
  });
});
