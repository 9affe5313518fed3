/**
 * OpenAI's Chat Completions (`/v1/chat/completions`) and Embeddings (`/v1/embeddings`)
 * endpoints: request reading and reply framing (see `openai-format.ts`).
 */
import { isRecord } from "./json.js";
import { conversationFromOpenAI, MockRequestError } from "./mock-conversation.js";
import type { ChatEndpoint, EmbeddingsEndpoint, ErrorFraming } from "./mock-handler.js";
import { countMockTokens } from "./mock-tokens.js";
import {
  openAIChatBody,
  openAIContextErrorBody,
  openAIEmbeddingsBody,
  openAIErrorBody,
  openAIStreamErrorFrame,
  openAIStreamFrames,
} from "./openai-format.js";
import { pseudoEmbedding } from "./pseudo-embedding.js";

/** OpenAI's error bodies, shared by the Responses API. */
export const openAIErrors: ErrorFraming = {
  errorBody: openAIErrorBody,
  contextErrorBody: openAIContextErrorBody,
};

export const openAIChatEndpoint: ChatEndpoint = {
  operation: "chat",
  alwaysStreams: false,
  conversation: conversationFromOpenAI,
  replyBody: openAIChatBody,
  streamFrames: (reply, context, body) =>
    openAIStreamFrames(reply, {
      ...context,
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    }),
  streamErrorFrame: openAIStreamErrorFrame,
};

/**
 * `input` (a string or strings) embedded with `pseudoEmbedding`, at `dimensions` or the
 * behaviour's size, as float arrays or base64 (`encoding_format`), in reverse order when
 * `shuffleEmbeddings` is set.
 */
export const openAIEmbeddingsEndpoint: EmbeddingsEndpoint = {
  operation: "embeddings",
  embeddingsBody(body, behavior) {
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
      vectors: encoded,
      order,
      promptTokens: texts.reduce((total, text) => total + countMockTokens(text), 0),
    });
  },
};
