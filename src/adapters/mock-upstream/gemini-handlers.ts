/**
 * Gemini's model methods (`/v1beta/models/{model}:{method}`): generateContent,
 * streamGenerateContent (`?alt=sse` only), countTokens and batchEmbedContents. Request
 * reading and reply framing (see `gemini-format.ts`); the model comes from the path.
 */
import {
  geminiContextErrorBody,
  geminiErrorBody,
  geminiResponseBody,
  geminiStreamErrorFrame,
  geminiStreamFrames,
} from "./gemini-format.js";
import { isRecord, record } from "./json.js";
import { conversationFromGemini, MockRequestError } from "./mock-conversation.js";
import type {
  ChatEndpoint,
  CountTokensEndpoint,
  EmbeddingsEndpoint,
  ErrorFraming,
  MockEndpoint,
} from "./mock-handler.js";
import { pseudoEmbedding } from "./pseudo-embedding.js";

export const geminiErrors: ErrorFraming = {
  errorBody: geminiErrorBody,
  contextErrorBody: geminiContextErrorBody,
};

/** The methods the mock serves, as they appear after the model in the path. */
export const GEMINI_METHODS = [
  "generateContent",
  "streamGenerateContent",
  "countTokens",
  "batchEmbedContents",
] as const;

export type GeminiMethod = (typeof GEMINI_METHODS)[number];

/**
 * The endpoint of one model's method.
 *
 * @example
 * ```ts
 * geminiEndpoint("gemini-2.5-flash", "countTokens").operation; // "count_tokens"
 * ```
 */
export function geminiEndpoint(model: string, method: GeminiMethod): MockEndpoint {
  if (method === "countTokens") return countTokensEndpoint(model);
  if (method === "batchEmbedContents") return embeddingsEndpoint(model);
  return chatEndpoint(model, method === "streamGenerateContent");
}

function chatEndpoint(model: string, streams: boolean): ChatEndpoint {
  return {
    operation: "chat",
    alwaysStreams: streams,
    urlProblem: (url) =>
      streams && url.searchParams.get("alt") !== "sse"
        ? "The mock streams Gemini replies only with ?alt=sse."
        : undefined,
    conversation: (body) => conversationFromGemini(body, model),
    replyBody: geminiResponseBody,
    streamFrames: geminiStreamFrames,
    streamErrorFrame: geminiStreamErrorFrame,
  };
}

/** countTokens takes `contents` or a whole `generateContentRequest`. */
function countTokensEndpoint(model: string): CountTokensEndpoint {
  return {
    operation: "count_tokens",
    conversation: (body) =>
      conversationFromGemini(
        isRecord(body.generateContentRequest) ? body.generateContentRequest : body,
        model,
      ),
    countBody: (inputTokens) => ({
      totalTokens: inputTokens,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: inputTokens }],
    }),
  };
}

/**
 * Each of `requests` must name the path's model (`models/{model}`) and is embedded with
 * `pseudoEmbedding` at its `outputDimensionality` or the behaviour's size.
 */
function embeddingsEndpoint(model: string): EmbeddingsEndpoint {
  const expectedModel = `models/${model}`;
  return {
    operation: "embeddings",
    embeddingsBody(body, behavior) {
      if (!Array.isArray(body.requests)) throw new MockRequestError("requests: field required");
      const embeddings = body.requests.map((raw, index) => {
        const item = record(raw);
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
    },
  };
}
