/**
 * The seam between the server and each API's handlers. A route names the provider, the shape
 * of its errors and the endpoint, which reads the request and frames the reply, streamed or
 * not. Handlers do no I/O: the server reads and writes, plays the script and the faults,
 * counts requests and keeps the prompt cache.
 */
import type { Json } from "./json.js";
import type { MockConversation } from "./mock-conversation.js";
import type { MockReply, ReplyContext } from "./mock-reply.js";
import type { MockBehavior, MockProvider } from "./types.js";

/** A provider's error bodies. */
export interface ErrorFraming {
  /** The body of an HTTP error with this status. */
  errorBody(status: number, message: string): unknown;
  /** The error for a prompt above the context window (`maxInputTokens`). */
  contextErrorBody(inputTokens: number, maxInputTokens: number): unknown;
}

/** A model call: Chat Completions, Responses, Messages, generateContent. */
export interface ChatEndpoint {
  operation: "chat";
  /**
   * True when the endpoint always streams (Gemini's streamGenerateContent); otherwise a body
   * with `stream: true` asks for a stream.
   */
  alwaysStreams: boolean;
  /**
   * A URL the API refuses (message of a 400), checked once the script step is taken and
   * before it is played.
   */
  urlProblem?(url: URL): string | undefined;
  /** Reads the request; throws `MockRequestError` when the body lacks what the API requires. */
  conversation(body: Json): MockConversation;
  replyBody(reply: MockReply, context: ReplyContext): unknown;
  /** The stream's events, each a whole SSE frame; `body` has options like `stream_options`. */
  streamFrames(reply: MockReply, context: ReplyContext, body: Json): string[];
  /** The frame an API sends when a stream fails after it started. */
  streamErrorFrame(status: number, message: string): string;
}

/** Token counting (Anthropic's count_tokens, Gemini's countTokens). */
export interface CountTokensEndpoint {
  operation: "count_tokens";
  /** Reads the request; throws `MockRequestError` when the body lacks what the API requires. */
  conversation(body: Json): MockConversation;
  countBody(inputTokens: number): unknown;
}

/** Embeddings (OpenAI's /v1/embeddings, Gemini's batchEmbedContents). */
export interface EmbeddingsEndpoint {
  operation: "embeddings";
  /** The reply body; throws `MockRequestError` when the body lacks what the API requires. */
  embeddingsBody(
    body: Json,
    behavior: Pick<MockBehavior, "embeddingDimensions" | "shuffleEmbeddings">,
  ): unknown;
}

export type MockEndpoint = ChatEndpoint | CountTokensEndpoint | EmbeddingsEndpoint;

/** What a request's method and path lead to. */
export interface MockRoute {
  /** Whose keys, headers and error bodies apply (the Responses API is OpenAI's). */
  provider: MockProvider;
  errors: ErrorFraming;
  endpoint: MockEndpoint;
}
