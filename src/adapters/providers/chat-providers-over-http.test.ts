/**
 * The adapters (OpenAI Chat Completions, OpenAI Responses, Anthropic, Gemini) against the real
 * mock upstream over HTTP (no fetch mocks): the same scenarios, the same expectations, wherever
 * the wire formats agree. Each runs on both transports: Node's own fetch (sent with
 * `undici.request` and node streams) and an injected fetch (web streams).
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type MockUpstream, startMockUpstream } from "../mock-upstream/index.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { assembleChatChunks } from "./assemble-chat-chunks.js";
import { createGeminiProvider } from "./gemini-provider.js";
import { createOpenAICompatibleProvider } from "./openai-compatible-provider.js";
import type { CallOptions, ChatChunk, ChatProvider } from "./types.js";

const KEYS = {
  openai: "sk-test-openai-0123456789abcdef",
  anthropic: "sk-ant-test-0123456789abcdef",
  gemini: "AIza-test-gemini-0123456789abcdef",
};

type Kind = keyof typeof KEYS | "responses";

function keyOf(kind: Kind): string {
  return KEYS[kind === "responses" ? "openai" : kind];
}

/** The provider name each kind reports ("responses" is the OpenAI provider on another API). */
function nameOf(kind: Kind): string {
  return kind === "responses" ? "openai" : kind;
}

type Transport = "node streams" | "injected fetch";

/** A fetch that is not Node's own, so the adapter keeps to fetch and web streams. */
const injectedFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

function createFor(
  kind: Kind,
  mock: MockUpstream,
  transport: Transport,
  apiKey: string = keyOf(kind),
): ChatProvider {
  const fetch = transport === "injected fetch" ? { fetch: injectedFetch } : {};
  if (kind === "openai")
    return createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey, ...fetch });
  if (kind === "responses") {
    return createOpenAICompatibleProvider({
      baseUrl: `${mock.url}/v1`,
      apiKey,
      api: "responses",
      ...fetch,
    });
  }
  if (kind === "anthropic") return createAnthropicProvider({ baseUrl: mock.url, apiKey, ...fetch });
  return createGeminiProvider({ baseUrl: `${mock.url}/v1beta`, apiKey, ...fetch });
}

const CASES = (["openai", "responses", "anthropic", "gemini"] as const).flatMap((kind) =>
  (["node streams", "injected fetch"] as const).map((transport) => [kind, transport] as const),
);

const GREETING: ChatRequest = {
  model: "mock-model",
  messages: [
    { role: "system", content: "Be brief" },
    { role: "user", content: "Hello there world" },
  ],
};

/** 3 priming + (3 + 2) system + (3 + 5) user, by the mock's documented rule. */
const GREETING_INPUT_TOKENS = 16;
/** "Echo: Hello there world" is 23 characters. */
const GREETING_OUTPUT_TOKENS = 6;

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

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: KEYS });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({
    script: [],
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    maxInputTokens: undefined,
    latencyMs: 0,
    streamChunkDelayMs: 0,
  });
});

describe.each(CASES)("%s adapter over HTTP (%s)", (kind, transport) => {
  const provider = () => createFor(kind, mock, transport);
  // Stream events sent before some text has reached the caller: the Responses API opens with
  // four lifecycle events (created, in_progress, output item and content part added).
  const afterSomeText = kind === "responses" ? 6 : 4;

  it("returns the reply with normalized usage", async () => {
    const result = await provider().chat(GREETING);
    expect(result.message).toEqual({ role: "assistant", content: "Echo: Hello there world" });
    expect(result.finishReason).toBe("stop");
    expect(result.provider).toBe(nameOf(kind));
    expect(result.model).toBe("mock-model");
    expect(result.usage).toEqual({
      inputTokens: GREETING_INPUT_TOKENS,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: GREETING_OUTPUT_TOKENS,
      reasoningTokens: 0,
    });
  });

  it("streams the same text and usage as the non-streamed call, usage on the last chunk", async () => {
    const whole = await provider().chat(GREETING);
    const chunks = await collect(provider().streamChat(GREETING));
    const reply = assembleChatChunks(chunks);
    expect(chunks.filter((chunk) => chunk.text !== undefined).length).toBeGreaterThan(1);
    expect(reply.content).toBe(whole.message.content);
    expect(reply.finishReason).toBe(whole.finishReason);
    expect(chunks.at(-1)?.usage).toEqual(whole.usage);
    expect(chunks.at(-1)?.finishReason).toBe("stop");
  });

  it("reports cached and reasoning tokens in the normalized convention", async () => {
    mock.setBehavior({ cachedInputTokens: 10, cacheWriteTokens: 4, reasoningTokens: 7 });
    const expected = {
      openai: { cachedInputTokens: 10, cacheWriteTokens: 0, reasoningTokens: 7 },
      responses: { cachedInputTokens: 10, cacheWriteTokens: 0, reasoningTokens: 7 },
      // Anthropic reports cache writes, and thinking only inside output_tokens.
      anthropic: { cachedInputTokens: 10, cacheWriteTokens: 4, reasoningTokens: 0 },
      gemini: { cachedInputTokens: 10, cacheWriteTokens: 0, reasoningTokens: 7 },
    }[kind];
    const usage = { inputTokens: 16, outputTokens: GREETING_OUTPUT_TOKENS + 7, ...expected };
    expect((await provider().chat(GREETING)).usage).toEqual(usage);
    expect((await collect(provider().streamChat(GREETING))).at(-1)?.usage).toEqual(usage);
  });

  it("maps a reply cut by max_tokens to finish reason length", async () => {
    const result = await provider().chat({ ...GREETING, max_tokens: 2 });
    expect(result.message.content).toBe("Echo: He");
    expect(result.finishReason).toBe("length");
    expect(result.usage.outputTokens).toBe(2);
  });

  it("translates images so the upstream sees both", async () => {
    const result = await provider().chat({
      model: "mock-model",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
    });
    expect(result.message.content).toBe("Echo: Describe [2 images]");
    // 3 priming + 3 turn + 2 text + 2 × 85 images.
    expect(result.usage.inputTokens).toBe(178);
  });

  describe("tools", () => {
    const weatherRequest: ChatRequest = {
      model: "mock-model",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: {
              type: "object",
              properties: { text: { type: "string" } },
              required: ["text"],
            },
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    };

    it("returns tool calls, streamed identically, and sends tool results back", async () => {
      const first = await provider().chat(weatherRequest);
      expect(first.finishReason).toBe("tool_calls");
      expect(first.message.content).toBeNull();
      const call = first.message.tool_calls?.[0];
      expect(first.message.tool_calls).toHaveLength(1);
      expect(call?.function).toEqual({
        name: "get_weather",
        arguments: '{"text":"Weather in Paris?"}',
      });

      const streamed = assembleChatChunks(await collect(provider().streamChat(weatherRequest)));
      expect(streamed.finishReason).toBe("tool_calls");
      expect(streamed.toolCalls.map((toolCall) => toolCall.function)).toEqual([call?.function]);

      const followUp = await provider().chat({
        ...weatherRequest,
        tool_choice: "auto",
        messages: [
          ...weatherRequest.messages,
          first.message,
          { role: "tool", tool_call_id: call?.id ?? "", content: "sunny, 21C" },
        ],
      });
      expect(followUp.message.content).toBe("Tool results: sunny, 21C");
      expect(followUp.finishReason).toBe("stop");
    });
  });

  describe("HTTP errors", () => {
    it("maps 429 with Retry-After in seconds to rate_limited", async () => {
      mock.setBehavior({
        script: [{ type: "error", status: 429, headers: { "retry-after": "1" } }],
      });
      const error = await failureOf(() => provider().chat(GREETING));
      expect(error.code).toBe("rate_limited");
      expect(error.details).toMatchObject({
        provider: nameOf(kind),
        status: 429,
        retryable: true,
        retryAfterMs: 1000,
      });
    });

    it("maps 429 with Retry-After as an HTTP date", async () => {
      const date = new Date(Date.now() + 30_000).toUTCString();
      mock.setBehavior({
        script: [{ type: "error", status: 429, headers: { "retry-after": date } }],
      });
      const error = await failureOf(() => provider().chat(GREETING));
      expect(error.code).toBe("rate_limited");
      expect(error.details.retryAfterMs).toBeGreaterThan(27_000);
      expect(error.details.retryAfterMs).toBeLessThanOrEqual(30_000);
    });

    it("maps 500 to a retryable provider_error and 400 to a final one", async () => {
      mock.setBehavior({
        script: [
          { type: "error", status: 500 },
          { type: "error", status: 400, message: "messages: bad shape" },
        ],
      });
      const serverError = await failureOf(() => provider().chat(GREETING));
      expect(serverError.code).toBe("provider_error");
      expect(serverError.details).toMatchObject({ status: 500, retryable: true });
      const badRequest = await failureOf(() => provider().chat(GREETING));
      expect(badRequest.code).toBe("provider_error");
      expect(badRequest.details).toMatchObject({
        status: 400,
        retryable: false,
        providerMessage: "messages: bad shape",
      });
    });

    it("maps the provider's context-length error to context_window_exceeded", async () => {
      mock.setBehavior({ maxInputTokens: 10 });
      const error = await failureOf(() => provider().chat(GREETING));
      expect(error.code).toBe("context_window_exceeded");
      expect(error.details).toMatchObject({ status: 400, retryable: false });
    });

    it("throws the HTTP error of a streamed call from the iterator", async () => {
      mock.setBehavior({
        script: [{ type: "error", status: 429, headers: { "retry-after-ms": "250" } }],
      });
      const error = await failureOf(() => collect(provider().streamChat(GREETING)));
      expect(error.code).toBe("rate_limited");
      expect(error.details.retryAfterMs).toBe(250);
    });

    it("rejects a wrong key with 401 and never puts the key in the error", async () => {
      const wrongKey = `${keyOf(kind)}-wrong-secret`;
      const error = await failureOf(() =>
        createFor(kind, mock, transport, wrongKey).chat(GREETING),
      );
      expect(error.code).toBe("provider_error");
      expect(error.details).toMatchObject({ status: 401, retryable: false });
      expect(error.message).toContain("Check the API key");
      const serialized = `${inspect(error, { depth: 10 })} ${JSON.stringify(error)} ${error.message}`;
      expect(serialized).not.toContain(wrongKey);
      expect(serialized).not.toContain(keyOf(kind));
    });

    it("never puts the key in network or stream errors either", async () => {
      mock.setBehavior({
        script: [{ type: "drop" }, { type: "fail-mid-stream", afterChunks: 4 }],
      });
      const dropped = await failureOf(() => provider().chat(GREETING));
      const broken = await failureOf(() => collect(provider().streamChat(GREETING)));
      for (const error of [dropped, broken]) {
        expect(`${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`).not.toContain(
          keyOf(kind),
        );
      }
    });
  });

  describe("broken and stopped streams", () => {
    it("treats a dropped connection as a retryable provider_error", async () => {
      mock.setBehavior({ script: [{ type: "drop" }] });
      const error = await failureOf(() => provider().chat(GREETING));
      expect(error.code).toBe("provider_error");
      expect(error.details.retryable).toBe(true);
    });

    it("throws, never ends cleanly, when the connection breaks mid-stream", async () => {
      mock.setBehavior({ script: [{ type: "fail-mid-stream", afterChunks: afterSomeText }] });
      const received: ChatChunk[] = [];
      const error = await failureOf(async () => {
        for await (const chunk of provider().streamChat(GREETING)) received.push(chunk);
      });
      expect(error.code).toBe("provider_error");
      expect(error.details.retryable).toBe(false);
      expect(received.some((chunk) => chunk.finishReason !== undefined)).toBe(false);
      const partialText = received.map((chunk) => chunk.text ?? "").join("");
      expect(partialText.startsWith("Echo:")).toBe(true);
      expect(error.details.partialText).toBe(partialText);
    });

    it("keeps a stream that broke before any data retryable", async () => {
      mock.setBehavior({ script: [{ type: "fail-mid-stream", afterChunks: 0 }] });
      const error = await failureOf(() => collect(provider().streamChat(GREETING)));
      expect(error.code).toBe("provider_error");
      expect(error.details.retryable).toBe(true);
    });

    it("throws when the stream ends cleanly but without the final event", async () => {
      mock.setBehavior({ script: [{ type: "end-early", afterChunks: 3 }] });
      const error = await failureOf(() => collect(provider().streamChat(GREETING)));
      expect(error.code).toBe("provider_error");
      expect(error.message).toContain("stopped before the reply was complete");
    });

    it("surfaces an error event inside the stream", async () => {
      mock.setBehavior({
        script: [
          {
            type: "stream-error",
            afterChunks: afterSomeText,
            status: 529,
            message: "Overloaded",
          },
        ],
      });
      const error = await failureOf(() => collect(provider().streamChat(GREETING)));
      expect(error.code).toBe("provider_error");
      // OpenAI's in-stream error carries no status; its type (server_error) stands for 500.
      const status = kind === "openai" || kind === "responses" ? 500 : 529;
      expect(error.details).toMatchObject({
        status,
        providerMessage: "Overloaded",
        retryable: false,
      });
    });

    it("throws aborted with the usage known so far when the caller aborts mid-stream", async () => {
      mock.setBehavior({ script: [{ type: "slow-stream", chunkDelayMs: 30 }] });
      const controller = new AbortController();
      const received: ChatChunk[] = [];
      const error = await failureOf(async () => {
        for await (const chunk of provider().streamChat(GREETING, {
          signal: controller.signal,
        })) {
          received.push(chunk);
          if (chunk.text !== undefined) controller.abort();
        }
      });
      expect(error.code).toBe("aborted");
      expect(error.details.partialText).toBe("Echo:");
      const usage = error.details.usage as
        | { inputTokens: number; outputTokens: number }
        | undefined;
      if (kind === "openai" || kind === "responses") {
        // OpenAI reports usage only in the final chunk (response.completed).
        expect(usage).toBeUndefined();
      } else {
        expect(usage?.inputTokens).toBe(GREETING_INPUT_TOKENS);
      }
      if (kind === "gemini") expect(usage?.outputTokens).toBe(2);
    });

    it("throws aborted without calling the provider when the signal is already aborted", async () => {
      const options: CallOptions = { signal: AbortSignal.abort() };
      const error = await failureOf(() => provider().chat(GREETING, options));
      expect(error.code).toBe("aborted");
      expect(mock.requests).toHaveLength(0);
    });

    it("throws a retryable timeout when the attempt takes too long", async () => {
      mock.setBehavior({ latencyMs: 300 });
      const error = await failureOf(() => provider().chat(GREETING, { timeoutMs: 40 }));
      expect(error.code).toBe("timeout");
      expect(error.details).toMatchObject({
        provider: nameOf(kind),
        retryable: true,
        timeoutMs: 40,
      });
    });
  });
});
