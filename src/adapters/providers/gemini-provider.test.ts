import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import { type MockUpstream, pseudoEmbedding, startMockUpstream } from "../mock-upstream/index.js";
import { createGeminiProvider } from "./gemini-provider.js";

const KEY = "AIza-gemini-test-key";
let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { gemini: KEY } });
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

const gemini = () => createGeminiProvider({ baseUrl: `${mock.url}/v1beta`, apiKey: KEY });

const REQUEST: ChatRequest = {
  model: "gemini-2.5-flash",
  messages: [
    { role: "system", content: "Answer in French." },
    { role: "user", content: "What is the capital of Italy?" },
  ],
};

describe("createGeminiProvider", () => {
  it("sends the key in x-goog-api-key, never in the URL", async () => {
    await gemini().chat(REQUEST);
    for await (const _chunk of gemini().streamChat(REQUEST)) {
      // drain
    }
    const [call, stream] = mock.requests;
    expect(call?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(call?.query).toEqual({});
    expect(call?.headers["x-goog-api-key"]).toBe("[redacted]");
    expect(stream?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(stream?.query).toEqual({ alt: "sse" });
  });

  it("accepts a models/ prefixed id", async () => {
    await gemini().chat({ ...REQUEST, model: "models/gemini-2.5-pro" });
    expect(mock.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-pro:generateContent");
  });

  it("counts tokens with countTokens, matching the input usage of the call", async () => {
    const counted = await gemini().countTokens(REQUEST);
    const result = await gemini().chat(REQUEST);
    expect(counted).toBe(result.usage.inputTokens);
    // 3 priming + (3 + 5) system instruction + (3 + 8) user.
    expect(counted).toBe(22);
    expect(mock.requests[0]?.body).toEqual({
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "What is the capital of Italy?" }] }],
        systemInstruction: { parts: [{ text: "Answer in French." }] },
      },
    });
  });

  it("carries the thought signature of a function call through the tool call id", async () => {
    const request: ChatRequest = {
      model: "gemini-3-pro-preview",
      messages: [{ role: "user", content: "Time in Oslo?" }],
      tools: [{ type: "function", function: { name: "clock", parameters: { type: "object" } } }],
      tool_choice: "required",
    };
    const first = await gemini().chat(request);
    const call = first.message.tool_calls?.[0];
    const signed = /^call_mock-response-(\d+)_0__thought__(mock-signature-\1)$/.exec(
      call?.id ?? "",
    );
    expect(signed).not.toBeNull();
    const signature = signed?.[2];
    await gemini().chat({
      ...request,
      tool_choice: "auto",
      messages: [
        ...request.messages,
        first.message,
        { role: "tool", tool_call_id: call?.id ?? "", content: "09:30" },
      ],
    });
    expect(mock.requests[1]?.body).toMatchObject({
      contents: [
        { role: "user", parts: [{ text: "Time in Oslo?" }] },
        {
          role: "model",
          parts: [
            {
              functionCall: { name: "clock", args: { text: "Time in Oslo?" } },
              thoughtSignature: signature,
            },
          ],
        },
        {
          role: "user",
          parts: [{ functionResponse: { name: "clock", response: { result: "09:30" } } }],
        },
      ],
    });
  });

  describe("embed", () => {
    it("batches by 100, keeps input order and sizes, and estimates the unreported tokens", async () => {
      const input = Array.from({ length: 150 }, (_, index) => `text number ${index}`);
      const result = await gemini().embed({ model: "gemini-embedding-001", input, dimensions: 4 });
      expect(mock.requests.map((request) => request.path)).toEqual([
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
      ]);
      expect(result.vectors).toHaveLength(150);
      expect(Array.from(result.vectors[0] ?? [])).toEqual(pseudoEmbedding("text number 0", 4));
      expect(Array.from(result.vectors[149] ?? [])).toEqual(pseudoEmbedding("text number 149", 4));
      const expectedTokens = input.reduce((total, text) => total + Math.ceil(text.length / 4), 0);
      expect(result.usage).toEqual({ inputTokens: expectedTokens, estimated: true });
      const firstBatch = mock.requests[0]?.body as { requests: unknown[] } | undefined;
      expect(firstBatch?.requests).toHaveLength(100);
      expect(firstBatch?.requests[0]).toEqual({
        model: "models/gemini-embedding-001",
        content: { parts: [{ text: "text number 0" }] },
        outputDimensionality: 4,
      });
    });
  });

  it("reads GEMINI_API_KEY, then GOOGLE_API_KEY, and names both when missing", () => {
    vi.stubEnv("GEMINI_API_KEY", "");
    vi.stubEnv("GOOGLE_API_KEY", "");
    expect(() => createGeminiProvider()).toThrow("set GEMINI_API_KEY or GOOGLE_API_KEY");
    vi.stubEnv("GOOGLE_API_KEY", "google-key");
    expect(createGeminiProvider().name).toBe("gemini");
  });
});
