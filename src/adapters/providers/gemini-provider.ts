/**
 * Gemini API adapter (Google AI Studio, `generativelanguage.googleapis.com`). The key travels
 * in the `x-goog-api-key` header, never in the URL, so it cannot leak through logged URLs or
 * error messages. Translation rules are in `gemini-wire.ts`.
 */
import type { ChatRequest } from "../../core/messages/index.js";
import { resolveApiKey } from "./api-key.js";
import { runChatStream } from "./chat-stream.js";
import {
  createGeminiStreamDecoder,
  fromGeminiResponse,
  geminiModelPath,
  toGeminiCountTokensBody,
  toGeminiGenerateBody,
} from "./gemini-wire.js";
import { asArray, asRecord } from "./json-record.js";
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

export const GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

/** batchEmbedContents accepts at most 100 requests per call. */
const MAX_EMBEDDINGS_PER_BATCH = 100;

export type GeminiProviderOptions = HttpProviderOptions;

/**
 * @example
 * ```ts
 * const gemini = createGeminiProvider(); // GEMINI_API_KEY or GOOGLE_API_KEY
 * const result = await gemini.chat({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hi" }] });
 * const { vectors } = await gemini.embed({ model: "gemini-embedding-001", input: ["a", "b"], dimensions: 768 });
 * ```
 */
export function createGeminiProvider(
  options: GeminiProviderOptions = {},
): ChatProvider & Required<Pick<ChatProvider, "countTokens" | "embed">> {
  const name = "gemini";
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? GEMINI_BASE_URL);
  const apiKey = resolveApiKey({
    provider: name,
    explicit: options.apiKey,
    envVars: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    required: true,
  });
  const requestToPath = createRequestBuilder({
    provider: name,
    baseUrl,
    apiKey,
    options,
    headers: { "x-goog-api-key": apiKey ?? "" },
  });
  const request = (model: string, method: string, body: unknown, call: CallOptions | undefined) =>
    requestToPath(`${encodeModelPath(geminiModelPath(model))}:${method}`, body, call);

  return {
    name,
    async chat(chatRequest: ChatRequest, call?: CallOptions): Promise<ChatResult> {
      validateChatRequest(chatRequest);
      const body = toGeminiGenerateBody(chatRequest);
      const response = await postJsonForJson(
        request(chatRequest.model, "generateContent", body, call),
      );
      return fromGeminiResponse(response, { provider: name, model: chatRequest.model });
    },
    streamChat(chatRequest: ChatRequest, call?: CallOptions): AsyncIterable<ChatChunk> {
      validateChatRequest(chatRequest);
      const body = toGeminiGenerateBody(chatRequest);
      return runChatStream({
        request: request(chatRequest.model, "streamGenerateContent?alt=sse", body, call),
        decoder: createGeminiStreamDecoder({ provider: name, model: chatRequest.model }),
      });
    },
    async countTokens(chatRequest: ChatRequest, call?: CallOptions): Promise<number> {
      validateChatRequest(chatRequest);
      const body = toGeminiCountTokensBody(chatRequest);
      const response = asRecord(
        await postJsonForJson(request(chatRequest.model, "countTokens", body, call)),
      );
      if (typeof response.totalTokens !== "number") {
        throw malformedReplyError({
          provider: name,
          message: "gemini answered countTokens without totalTokens.",
          providerMessage: "no totalTokens",
        });
      }
      return response.totalTokens;
    },
    async embed(embeddingRequest: EmbeddingRequest, call?: CallOptions): Promise<EmbeddingResult> {
      validateEmbeddingRequest(embeddingRequest);
      const modelPath = geminiModelPath(embeddingRequest.model);
      const vectors: Float32Array[] = [];
      let reportedTokens = 0;
      let allReported = true;
      for (
        let start = 0;
        start < embeddingRequest.input.length;
        start += MAX_EMBEDDINGS_PER_BATCH
      ) {
        const batch = embeddingRequest.input.slice(start, start + MAX_EMBEDDINGS_PER_BATCH);
        const body = {
          requests: batch.map((text) => ({
            model: modelPath,
            content: { parts: [{ text }] },
            ...(embeddingRequest.dimensions !== undefined
              ? { outputDimensionality: embeddingRequest.dimensions }
              : {}),
          })),
        };
        const response = asRecord(
          await postJsonForJson(request(embeddingRequest.model, "batchEmbedContents", body, call)),
        );
        const embeddings = asArray(response.embeddings);
        if (embeddings.length !== batch.length) {
          throw malformedReplyError({
            provider: name,
            message: `gemini returned ${embeddings.length} embeddings for ${batch.length} inputs.`,
            providerMessage: "embedding count mismatch",
          });
        }
        for (const embedding of embeddings) {
          vectors.push(Float32Array.from(asArray(asRecord(embedding).values).map(Number)));
        }
        const tokens = asRecord(response.usageMetadata).promptTokenCount;
        if (typeof tokens === "number") reportedTokens += tokens;
        else allReported = false;
      }
      const usage = allReported
        ? { inputTokens: reportedTokens }
        : { inputTokens: estimateTokens(embeddingRequest.input), estimated: true };
      return { model: embeddingRequest.model, provider: name, vectors, usage };
    },
  };
}

/** Gemini reports no tokens for embeddings; ceil(characters / 4) per input is the estimate. */
function estimateTokens(input: string[]): number {
  return input.reduce((total, text) => total + Math.ceil(text.length / 4), 0);
}

function encodeModelPath(modelPath: string): string {
  return modelPath.split("/").map(encodeURIComponent).join("/");
}
