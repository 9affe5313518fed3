/**
 * The narrow view of a client that a chat needs. `createClient` from `src/client` satisfies
 * it, and so does {@link createProviderChatClient} over any `ChatProvider`; tests pass a fake.
 */
import type { Usage } from "../cost/usage.js";
import type { ChatMessage, ChatRequest } from "../messages/index.js";
import type { Picodollars } from "../money/index.js";
import type { ChatChunk } from "../providers/types.js";

/** What one finished call returned and cost. */
export interface ChatCallResult {
  message: ChatMessage;
  usage: Usage;
  cost: { total: Picodollars };
  /** The model the provider reports having used, when it differs from the one asked for. */
  modelUsed?: string;
  /** True when the reply came from a response cache (and cost nothing). */
  cached?: boolean;
}

export interface ChatCallOptions {
  signal?: AbortSignal;
}

/**
 * A streamed call: iterate it for the chunks; `result` settles once the stream ends, with the
 * same shape as a non-streamed call.
 */
export type ChatCallStream = AsyncIterable<ChatChunk> & { result: Promise<ChatCallResult> };

export interface ChatClient {
  chat(request: ChatRequest, options?: ChatCallOptions): Promise<ChatCallResult>;
  streamChat(request: ChatRequest, options?: ChatCallOptions): ChatCallStream;
}
