/**
 * What every provider adapter implements. Requests and messages are OpenAI Chat Completions
 * shaped (see `src/core/messages`); each adapter translates to its wire format and back, and
 * converts usage to the normalized {@link Usage} exactly once.
 */
import type { Usage } from "../../core/cost/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import type { CallTimeouts } from "./provider-request.js";

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error" | "other";

export interface CallOptions {
  /** Cancels the call; a cancelled stream still reports the usage it consumed, if known. */
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds (caps `timeouts.totalMs`). */
  timeoutMs?: number;
  /** Connect, first-byte, idle and total timeouts of each attempt (each has a default). */
  timeouts?: CallTimeouts;
  /** Extra HTTP headers (never logged). */
  headers?: Record<string, string>;
}

export interface ChatResult {
  id: string;
  /** The model the provider reports having used. */
  model: string;
  provider: string;
  message: ChatMessage & { role: "assistant" };
  finishReason: FinishReason;
  usage: Usage;
}

/** A streamed delta. Tool-call fragments carry their index, as in OpenAI's stream. */
export interface ChatChunk {
  /** Text appended to the assistant message. */
  text?: string;
  toolCalls?: Array<{ index: number; id?: string; name?: string; argumentsDelta?: string }>;
  finishReason?: FinishReason;
  /** Present on the last chunk (or on the chunk that reports it). */
  usage?: Usage;
  model?: string;
  id?: string;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
}

export interface EmbeddingResult {
  model: string;
  provider: string;
  /** One vector per input, in input order. */
  vectors: Float32Array[];
  /**
   * `estimated` is true when the provider reports no token count (Gemini's batchEmbedContents)
   * and `inputTokens` is the adapter's estimate (ceil(characters / 4) per input).
   */
  usage: { inputTokens: number; estimated?: boolean };
}

export interface ChatProvider {
  /** Short name used in errors, logs and the ledger ("openai", "anthropic", "gemini", "ollama"...). */
  readonly name: string;
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  /**
   * Streams a reply. The iterator throws a `TokenwiseError` if the stream breaks midway;
   * it never ends cleanly on a broken connection.
   */
  streamChat(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatChunk>;
  embed?(request: EmbeddingRequest, options?: CallOptions): Promise<EmbeddingResult>;
  /** Exact input token count from the provider's own endpoint, where one exists. */
  countTokens?(request: ChatRequest, options?: CallOptions): Promise<number>;
}
