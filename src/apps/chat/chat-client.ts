/**
 * The narrow view of a client that a chat needs. `createClient` from `src/apps/client` satisfies
 * it, and so does {@link createProviderChatClient} over any `ChatProvider`; tests pass a fake.
 */

import type { Ledger } from "../../adapters/ledger/index.js";
import type { ChatChunk } from "../../adapters/providers/index.js";
import type { Usage } from "../../core/cost/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";

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

/** What a client reports before it waits to retry a failed call (as `createClient` does). */
export interface ChatClientRetryEvent {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** How long the client waits before the next attempt, in ms. */
  delayMs: number;
  /** The model being retried. */
  model: string;
  /** Why, in words fit to show a user ("HTTP 503 provider_error", "timeout"). */
  reason: string;
  error: unknown;
}

export interface ChatCallOptions {
  signal?: AbortSignal;
  /** Called before each wait between retries, when the client retries. */
  onRetry?: (event: ChatClientRetryEvent) => void;
}

/**
 * A streamed call: iterate it for the chunks; `result` settles once the stream ends, with the
 * same shape as a non-streamed call.
 */
export type ChatCallStream = AsyncIterable<ChatChunk> & { result: Promise<ChatCallResult> };

export interface ChatClient {
  /**
   * The ledger the client records its calls in (`createClient`'s has one): by default the
   * chat reserves its session budget there too.
   */
  readonly ledger?: Ledger;
  chat(request: ChatRequest, options?: ChatCallOptions): Promise<ChatCallResult>;
  streamChat(request: ChatRequest, options?: ChatCallOptions): ChatCallStream;
}
