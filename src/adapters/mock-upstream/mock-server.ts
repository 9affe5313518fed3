/**
 * A real HTTP server that speaks the OpenAI (Chat Completions and Responses), Anthropic and
 * Gemini wire formats on the same
 * paths as the real APIs, with deterministic replies (see `mock-reply.ts`), predictable usage
 * (see `mock-tokens.ts`) and scriptable failures, for tests and local demos without keys.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  anthropicContextErrorBody,
  anthropicErrorBody,
  anthropicMessageBody,
  anthropicStreamErrorFrame,
  anthropicStreamFrames,
} from "./anthropic-format.js";
import {
  geminiContextErrorBody,
  geminiErrorBody,
  geminiResponseBody,
  geminiStreamErrorFrame,
  geminiStreamFrames,
} from "./gemini-format.js";
import { defaultMockBehavior, validateMockBehavior } from "./mock-behavior.js";
import {
  conversationFromAnthropic,
  conversationFromGemini,
  conversationFromOpenAI,
  conversationFromResponses,
  type MockConversation,
  MockRequestError,
} from "./mock-conversation.js";
import { countConversationTokens, type MockReply, planReply } from "./mock-reply.js";
import { countMockTokens } from "./mock-tokens.js";
import {
  openAIChatBody,
  openAIContextErrorBody,
  openAIEmbeddingsBody,
  openAIErrorBody,
  openAIStreamErrorFrame,
  openAIStreamFrames,
} from "./openai-format.js";
import { createPromptCache, presentedApiKey } from "./prompt-cache.js";
import { pseudoEmbedding } from "./pseudo-embedding.js";
import { redactHeaders, redactQuery } from "./redact.js";
import {
  responsesBody,
  responsesStreamErrorFrame,
  responsesStreamFrames,
} from "./responses-format.js";
import { createSeededRandom } from "./seeded-random.js";
import type {
  MockBehavior,
  MockProvider,
  MockScriptStep,
  MockUpstream,
  MockUpstreamOptions,
  RecordedRequest,
} from "./types.js";

type Json = Record<string, unknown>;

/** The wire format of a route: a provider's API, or OpenAI's Responses API. */
type MockWire = MockProvider | "responses";

interface Route {
  provider: MockProvider;
  wire: MockWire;
  operation: "chat" | "embeddings" | "count_tokens";
  /** Gemini carries the model in the path. */
  model: string | undefined;
  geminiMethod: string | undefined;
}

const GEMINI_PATH =
  /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|batchEmbedContents)$/;

/**
 * Starts the mock on 127.0.0.1 (port 0 = a free port).
 *
 * @example
 * ```ts
 * const mock = await startMockUpstream({ apiKeys: { openai: "test-key" } });
 * const openai = createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "test-key" });
 * mock.setBehavior({ script: [{ type: "error", status: 429, headers: { "retry-after": "1" } }] });
 * await mock.close();
 * ```
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const { port = 0, host = "127.0.0.1", promptCaching, ...behaviorOptions } = options;
  validateMockBehavior(behaviorOptions);
  const behavior: MockBehavior = { ...defaultMockBehavior(), ...behaviorOptions };
  behavior.script = [...behavior.script];
  let random = createSeededRandom(behavior.seed);
  const promptCache =
    promptCaching === undefined || promptCaching === false
      ? undefined
      : createPromptCache(promptCaching === true ? {} : promptCaching);
  const requests: RecordedRequest[] = [];
  let requestCount = 0;

  const takeStep = (): MockScriptStep | undefined => {
    const step = behavior.script[0];
    if (step !== undefined) {
      if ((step.times ?? 1) > 1) behavior.script[0] = { ...step, times: (step.times ?? 1) - 1 };
      else behavior.script.shift();
      return step;
    }
    if (behavior.errorRate > 0 && random() < behavior.errorRate) {
      return {
        type: "error",
        status: behavior.errorStatus,
        message: "Injected failure (errorRate)",
        ...(behavior.retryAfterSeconds !== undefined
          ? { headers: { "retry-after": String(behavior.retryAfterSeconds) } }
          : {}),
      };
    }
    return undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://mock.invalid");
    const bodyText = await readBody(request);
    const body = parseJson(bodyText);
    const route = routeOf(request.method ?? "GET", url.pathname);
    const streaming =
      route?.operation === "chat" &&
      (route.geminiMethod === "streamGenerateContent" || (isRecord(body) && body.stream === true));
    requests.push({
      provider: route?.provider ?? "unknown",
      operation: route === undefined ? "unknown" : streaming ? "stream" : route.operation,
      method: request.method ?? "GET",
      path: url.pathname,
      query: redactQuery(url.searchParams),
      headers: redactHeaders(request.headers),
      body: body ?? bodyText,
    });
    if (route === undefined) {
      sendJson(response, 404, {
        error: { message: `No mock route for ${request.method} ${url.pathname}` },
      });
      return;
    }
    const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
      sendJson(response, status, errorBody(route.provider, status, message), headers);

    const authProblem = checkAuth(route.provider, request, url, behavior);
    if (authProblem !== undefined) {
      fail(authProblem.status, authProblem.message);
      return;
    }
    // The script belongs to requests in arrival order, so the step is taken before the
    // latency: a slow request whose client gave up must not eat a later request's step.
    const step = takeStep();
    if (behavior.latencyMs > 0) await delay(behavior.latencyMs);
    if (response.destroyed || request.socket.destroyed) return;
    if (!isRecord(body)) {
      fail(400, "The request body must be a JSON object.");
      return;
    }
    if (route.geminiMethod === "streamGenerateContent" && url.searchParams.get("alt") !== "sse") {
      fail(400, "The mock streams Gemini replies only with ?alt=sse.");
      return;
    }
    if (step?.type === "error") {
      fail(step.status, step.message ?? defaultErrorMessage(step.status), step.headers);
      return;
    }
    if (step?.type === "drop") {
      request.socket.destroy();
      return;
    }
    requestCount++;
    try {
      if (route.operation === "embeddings") {
        await sendWithStep(response, 200, embeddingsBody(route, body, behavior), step);
        return;
      }
      const conversation = conversationOf(route, body);
      const inputTokens = countConversationTokens(conversation);
      if (route.operation === "count_tokens") {
        const counted =
          route.provider === "anthropic"
            ? { input_tokens: inputTokens }
            : {
                totalTokens: inputTokens,
                promptTokensDetails: [{ modality: "TEXT", tokenCount: inputTokens }],
              };
        await sendWithStep(response, 200, counted, step);
        return;
      }
      if (route.provider === "anthropic" && typeof body.max_tokens !== "number") {
        fail(400, "max_tokens: Field required");
        return;
      }
      if (behavior.maxInputTokens !== undefined && inputTokens > behavior.maxInputTokens) {
        sendJson(
          response,
          400,
          contextErrorBody(route.provider, inputTokens, behavior.maxInputTokens),
        );
        return;
      }
      const reply = planReply(conversation, behavior, step?.type === "reply" ? step : {});
      if (promptCache && behavior.cachedInputTokens === 0 && behavior.cacheWriteTokens === 0) {
        Object.assign(
          reply.usage,
          promptCache.observe({
            provider: route.provider,
            apiKey: presentedApiKey(route.provider, request.headers, url.searchParams),
            model: conversation.model,
            body,
            inputTokens,
          }),
        );
      }
      const context = { model: conversation.model, requestNumber: requestCount };
      if (!streaming) {
        await sendWithStep(response, 200, replyBody(route.wire, reply, context), step);
        return;
      }
      const includeUsage =
        isRecord(body.stream_options) && body.stream_options.include_usage === true;
      await streamFrames(response, {
        frames: streamFramesOf(route.wire, reply, { ...context, includeUsage }),
        wire: route.wire,
        step,
        chunkDelayMs:
          step?.type === "slow-stream" ? step.chunkDelayMs : behavior.streamChunkDelayMs,
        behavior,
      });
    } catch (error) {
      if (!(error instanceof MockRequestError)) throw error;
      fail(400, error.message);
    }
  };

  const server = createServer((request, response) => {
    response.on("error", () => undefined);
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendJson(response, 500, { error: { message: `Mock failure: ${String(error)}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    setBehavior(update) {
      validateMockBehavior(update);
      Object.assign(behavior, update);
      if (update.script !== undefined) behavior.script = [...update.script];
      if (update.seed !== undefined) random = createSeededRandom(update.seed);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function routeOf(method: string, pathname: string): Route | undefined {
  if (method !== "POST") return undefined;
  const route = (
    provider: MockProvider,
    operation: Route["operation"],
    wire: MockWire = provider,
  ): Route => ({
    provider,
    wire,
    operation,
    model: undefined,
    geminiMethod: undefined,
  });
  if (pathname === "/v1/chat/completions") return route("openai", "chat");
  if (pathname === "/v1/responses") return route("openai", "chat", "responses");
  if (pathname === "/v1/embeddings") return route("openai", "embeddings");
  if (pathname === "/v1/messages") return route("anthropic", "chat");
  if (pathname === "/v1/messages/count_tokens") return route("anthropic", "count_tokens");
  const gemini = GEMINI_PATH.exec(pathname);
  if (!gemini?.[1] || !gemini[2]) return undefined;
  const geminiMethod = gemini[2];
  return {
    provider: "gemini",
    wire: "gemini",
    operation:
      geminiMethod === "countTokens"
        ? "count_tokens"
        : geminiMethod === "batchEmbedContents"
          ? "embeddings"
          : "chat",
    model: decodeURIComponent(gemini[1]),
    geminiMethod,
  };
}

function checkAuth(
  provider: MockProvider,
  request: IncomingMessage,
  url: URL,
  behavior: MockBehavior,
): { status: number; message: string } | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (provider === "anthropic" && header("anthropic-version") === undefined) {
    return { status: 400, message: "anthropic-version: header is required" };
  }
  const expected = behavior.apiKeys[provider];
  if (expected === undefined) return undefined;
  const presented =
    provider === "openai"
      ? header("authorization")?.replace(/^Bearer\s+/i, "")
      : provider === "anthropic"
        ? header("x-api-key")
        : (header("x-goog-api-key") ?? url.searchParams.get("key") ?? undefined);
  if (presented === expected) return undefined;
  return {
    status: 401,
    message: presented === undefined ? "Missing API key." : "Incorrect API key provided.",
  };
}

function conversationOf(route: Route, body: Json): MockConversation {
  if (route.wire === "responses") return conversationFromResponses(body);
  if (route.provider === "openai") return conversationFromOpenAI(body);
  if (route.provider === "anthropic") return conversationFromAnthropic(body);
  const source =
    route.operation === "count_tokens" && isRecord(body.generateContentRequest)
      ? body.generateContentRequest
      : body;
  return conversationFromGemini(source, route.model ?? "");
}

function embeddingsBody(route: Route, body: Json, behavior: MockBehavior): unknown {
  if (route.provider === "openai") {
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(input) || input.some((text) => typeof text !== "string")) {
      throw new MockRequestError("input: must be a string or an array of strings");
    }
    const texts = input as string[];
    const dimensions =
      typeof body.dimensions === "number" ? body.dimensions : behavior.embeddingDimensions;
    const vectors = texts.map((text) => pseudoEmbedding(text, dimensions));
    const order = texts.map((_, index) => index);
    if (behavior.shuffleEmbeddings) order.reverse();
    const encoded =
      body.encoding_format === "base64"
        ? vectors.map((vector) => Buffer.from(new Float32Array(vector).buffer).toString("base64"))
        : vectors;
    return openAIEmbeddingsBody({
      model: String(body.model ?? ""),
      vectors: encoded as number[][],
      order,
      promptTokens: texts.reduce((total, text) => total + countMockTokens(text), 0),
    });
  }
  if (!Array.isArray(body.requests)) throw new MockRequestError("requests: field required");
  const expectedModel = `models/${route.model}`;
  const embeddings = body.requests.map((raw, index) => {
    const item = isRecord(raw) ? raw : {};
    if (item.model !== expectedModel) {
      throw new MockRequestError(
        `requests[${index}].model: "${String(item.model)}" does not match the model in the path (${expectedModel})`,
      );
    }
    const parts =
      isRecord(item.content) && Array.isArray(item.content.parts) ? item.content.parts : [];
    const text = parts.map((part) => (isRecord(part) ? String(part.text ?? "") : "")).join("");
    const dimensions =
      typeof item.outputDimensionality === "number"
        ? item.outputDimensionality
        : behavior.embeddingDimensions;
    return { values: pseudoEmbedding(text, dimensions) };
  });
  return { embeddings };
}

function errorBody(provider: MockProvider, status: number, message: string): unknown {
  if (provider === "openai") return openAIErrorBody(status, message);
  if (provider === "anthropic") return anthropicErrorBody(status, message);
  return geminiErrorBody(status, message);
}

function contextErrorBody(
  provider: MockProvider,
  inputTokens: number,
  maxInputTokens: number,
): unknown {
  if (provider === "openai") return openAIContextErrorBody(inputTokens, maxInputTokens);
  if (provider === "anthropic") return anthropicContextErrorBody(inputTokens, maxInputTokens);
  return geminiContextErrorBody(inputTokens, maxInputTokens);
}

function replyBody(
  wire: MockWire,
  reply: MockReply,
  context: { model: string; requestNumber: number },
): unknown {
  if (wire === "responses") return responsesBody(reply, context);
  if (wire === "openai") return openAIChatBody(reply, context);
  if (wire === "anthropic") return anthropicMessageBody(reply, context);
  return geminiResponseBody(reply, context);
}

function streamFramesOf(
  wire: MockWire,
  reply: MockReply,
  context: { model: string; requestNumber: number; includeUsage: boolean },
): string[] {
  if (wire === "responses") return responsesStreamFrames(reply, context);
  if (wire === "openai") return openAIStreamFrames(reply, context);
  if (wire === "anthropic") return anthropicStreamFrames(reply, context);
  return geminiStreamFrames(reply, context);
}

function streamErrorFrame(wire: MockWire, status: number, message: string): string {
  if (wire === "responses") return responsesStreamErrorFrame(status, message);
  if (wire === "openai") return openAIStreamErrorFrame(status, message);
  if (wire === "anthropic") return anthropicStreamErrorFrame(status, message);
  return geminiStreamErrorFrame(status, message);
}

function defaultErrorMessage(status: number): string {
  if (status === 429) return "Rate limit reached for requests. Please try again later.";
  if (status === 529) return "Overloaded";
  if (status >= 500) return "The server had an error while processing your request.";
  return "Invalid request.";
}

async function streamFrames(
  response: ServerResponse,
  options: {
    frames: string[];
    wire: MockWire;
    step: MockScriptStep | undefined;
    chunkDelayMs: number;
    behavior: MockBehavior;
  },
): Promise<void> {
  const { frames, step, behavior } = options;
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (let index = 0; index < frames.length; index++) {
    if (response.destroyed) return;
    if (index === behavior.cutStreamsAfterEvents) {
      response.destroy();
      return;
    }
    if (index === behavior.stallAfterEvents && behavior.stallMs > 0) await delay(behavior.stallMs);
    if (step?.type === "fail-mid-stream" && index === step.afterChunks) {
      response.destroy();
      return;
    }
    if (step?.type === "end-early" && index === step.afterChunks) {
      response.end();
      return;
    }
    if (step?.type === "stream-error" && index === step.afterChunks) {
      const status = step.status ?? 529;
      await write(
        response,
        streamErrorFrame(options.wire, status, step.message ?? defaultErrorMessage(status)),
      );
      response.end();
      return;
    }
    if (index > 0 && options.chunkDelayMs > 0) await delay(options.chunkDelayMs);
    await write(response, frames[index] ?? "");
  }
  response.end();
}

/** Sends a JSON body, or half of it and a reset when the step says the transfer fails. */
async function sendWithStep(
  response: ServerResponse,
  status: number,
  body: unknown,
  step: MockScriptStep | undefined,
): Promise<void> {
  if (step?.type !== "fail-mid-stream") {
    sendJson(response, status, body);
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  await write(response, text.slice(0, Math.floor(text.length / 2)));
  response.destroy();
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

function write(response: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) {
      resolve();
      return;
    }
    // Resolves on error too: a client that went away just ends the stream early.
    response.write(text, () => resolve());
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
