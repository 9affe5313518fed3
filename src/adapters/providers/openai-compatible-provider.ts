/**
 * Any server that speaks OpenAI Chat Completions: OpenAI itself, Ollama, vLLM, llama.cpp,
 * LM Studio, OpenRouter, Together, Groq...
 */

import { describeValue, invalidInput } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { resolveApiKey } from "./api-key.js";
import { runChatStream } from "./chat-stream.js";
import { asArray, asRecord } from "./json-record.js";
import {
  createResponsesStreamDecoder,
  fromResponsesResponse,
  toResponsesBody,
} from "./openai-responses-wire.js";
import {
  createOpenAIStreamDecoder,
  fromOpenAIChatResponse,
  toOpenAIChatBody,
} from "./openai-wire.js";
import { malformedReplyError } from "./provider-error.js";
import {
  createRequestBuilder,
  type HttpProviderOptions,
  normalizeBaseUrl,
} from "./provider-options.js";
import { postJsonForJson } from "./provider-request.js";
import type {
  CallOptions,
  ChatChunk,
  ChatProvider,
  ChatResult,
  EmbeddingRequest,
  EmbeddingResult,
} from "./types.js";
import { validateChatRequest, validateEmbeddingRequest } from "./validate-request.js";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";

export interface OpenAICompatibleProviderOptions extends HttpProviderOptions {
  /** Name used in errors and the ledger; default "openai". */
  name?: string;
  /**
   * Whether a missing key is an error. Default: true for api.openai.com, false for any other
   * base URL (local servers usually need none).
   */
  requireApiKey?: boolean;
  /**
   * Which chat endpoint to call: "chat-completions" (`POST /chat/completions`, the default,
   * spoken by every compatible server) or "responses" (`POST /responses`, OpenAI's Responses
   * API). Embeddings are the same either way.
   */
  api?: "chat-completions" | "responses";
}

/**
 * @example
 * ```ts
 * const openai = createOpenAICompatibleProvider(); // OPENAI_API_KEY from the environment
 * const ollama = createOpenAICompatibleProvider({ name: "ollama", baseUrl: "http://127.0.0.1:11434/v1" });
 * const responses = createOpenAICompatibleProvider({ api: "responses" }); // POST /v1/responses
 * const result = await ollama.chat({ model: "llama3", messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function createOpenAICompatibleProvider(
  options: OpenAICompatibleProviderOptions = {},
): ChatProvider {
  const name = options.name ?? "openai";
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? OPENAI_BASE_URL);
  const apiKey = resolveApiKey({
    provider: name,
    explicit: options.apiKey,
    envVars: ["OPENAI_API_KEY"],
    required: options.requireApiKey ?? isOpenAIHost(baseUrl),
    // A local server must not receive the user's OpenAI key by accident.
    env: options.apiKey === undefined && !isOpenAIHost(baseUrl) ? {} : process.env,
  });
  const request = createRequestBuilder({
    provider: name,
    baseUrl,
    apiKey,
    options,
    headers: apiKey !== undefined ? { authorization: `Bearer ${apiKey}` } : {},
  });

  const responsesApi = readApi(options.api) === "responses";

  return {
    name,
    async chat(chatRequest: ChatRequest, call?: CallOptions): Promise<ChatResult> {
      validateChatRequest(chatRequest);
      if (responsesApi) {
        const body = toResponsesBody(chatRequest, { stream: false });
        return fromResponsesResponse(await postJsonForJson(request("responses", body, call)), name);
      }
      const body = toOpenAIChatBody(chatRequest, { stream: false });
      const response = await postJsonForJson(request("chat/completions", body, call));
      return fromOpenAIChatResponse(response, name);
    },
    streamChat(chatRequest: ChatRequest, call?: CallOptions): AsyncIterable<ChatChunk> {
      validateChatRequest(chatRequest);
      if (responsesApi) {
        return runChatStream({
          request: request("responses", toResponsesBody(chatRequest, { stream: true }), call),
          decoder: createResponsesStreamDecoder(name),
        });
      }
      const body = toOpenAIChatBody(chatRequest, { stream: true });
      return runChatStream({
        request: request("chat/completions", body, call),
        decoder: createOpenAIStreamDecoder(name),
      });
    },
    async embed(embeddingRequest: EmbeddingRequest, call?: CallOptions): Promise<EmbeddingResult> {
      validateEmbeddingRequest(embeddingRequest);
      if (embeddingRequest.input.length === 0) {
        return {
          model: embeddingRequest.model,
          provider: name,
          vectors: [],
          usage: { inputTokens: 0 },
        };
      }
      const body: Record<string, unknown> = {
        model: embeddingRequest.model,
        input: embeddingRequest.input,
        encoding_format: "float",
      };
      if (embeddingRequest.dimensions !== undefined) body.dimensions = embeddingRequest.dimensions;
      const response = asRecord(await postJsonForJson(request("embeddings", body, call)));
      return {
        model: typeof response.model === "string" ? response.model : embeddingRequest.model,
        provider: name,
        vectors: vectorsInInputOrder(response.data, embeddingRequest.input.length, name),
        usage: { inputTokens: numberOr(asRecord(response.usage).prompt_tokens, 0) },
      };
    },
  };
}

function vectorsInInputOrder(data: unknown, expected: number, provider: string): Float32Array[] {
  const vectors: Float32Array[] = new Array(expected);
  asArray(data).forEach((item, position) => {
    const entry = asRecord(item);
    const index = typeof entry.index === "number" ? entry.index : position;
    if (index >= 0 && index < expected) vectors[index] = toVector(entry.embedding);
  });
  for (let index = 0; index < expected; index++) {
    if (vectors[index] === undefined) {
      throw malformedReplyError({
        provider,
        message: `${provider} returned no embedding for input ${index} of ${expected}.`,
        providerMessage: "missing embedding",
      });
    }
  }
  return vectors;
}

function toVector(embedding: unknown): Float32Array {
  if (typeof embedding === "string") {
    // encoding_format "base64": little-endian float32 bytes.
    const bytes = Buffer.from(embedding, "base64");
    const copy = new Uint8Array(bytes);
    return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
  }
  return Float32Array.from(asArray(embedding).map((value) => Number(value)));
}

function readApi(api: unknown): "chat-completions" | "responses" {
  if (api === undefined || api === "chat-completions" || api === "responses") {
    return api ?? "chat-completions";
  }
  throw invalidInput("api", `must be "chat-completions" or "responses", got ${describeValue(api)}`);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function isOpenAIHost(baseUrl: string): boolean {
  return new URL(baseUrl).hostname === "api.openai.com";
}
