/**
 * The public shapes of {@link createClient}: its options, the client, and what each call
 * returns.
 */

import type {
  JsonValue,
  Ledger,
  SpendQuery,
  SpendTotalsQuery,
  SpendTotalsRow,
} from "../../adapters/ledger/index.js";
import type {
  CallOptions,
  ChatChunk,
  ChatProvider,
  ChatResult,
  ProviderSpec,
} from "../../adapters/providers/index.js";
// Internal: CallTimeouts stays out of the public index of adapters/providers.
import type { CallTimeouts } from "../../adapters/providers/provider-request.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import type { Catalog } from "../../core/catalog/index.js";
import type { CostBreakdown, Usage } from "../../core/cost/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import type { TokenCount } from "../../core/tokens/index.js";
import type { Clock, RetryPolicy, Sleep } from "./retry-policy.js";

/** A hard spending limit for a scope (a user, team, API key...). */
export interface BudgetOptions {
  /** Whose budget it is (default: the client's `namespace`, else "default"). */
  scope?: string;
  /** The limit, in picodollars or as decimal dollars ("5.00"). */
  limit: Picodollars | string;
  /**
   * The lease of a call's reservation, in ms (default 60 000): a running call renews it every
   * third of this, so only a call whose process died lets it expire and free its budget.
   */
  reservationTtlMs?: number;
}

export interface ResponseCacheSettings {
  store: KeyValueStore;
  /** How long a response stays, in ms (default one day). */
  ttlMs?: number;
  /** A partition inside the client's namespace (default none). */
  namespace?: string;
  /** Also cache requests sampled above temperature 0 (see `isCacheableRequest`). */
  cacheNonDeterministic?: boolean;
}

export interface EmbeddingCacheSettings {
  store: KeyValueStore;
  /** How long vectors stay, in ms (default forever: a model's vectors do not change). */
  ttlMs?: number;
  /** A partition inside the client's namespace (default none). */
  namespace?: string;
}

export interface CreateClientOptions {
  /**
   * Providers by name ("openai", "anthropic", "gemini", "ollama", or a name of your own used
   * as a "name/model" prefix). A missing built-in provider is built on first use from the
   * environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY).
   */
  providers?: Record<string, ChatProvider | ProviderSpec>;
  /** Where models are looked up and priced (default `defaultCatalog`). */
  catalog?: Catalog;
  /** Retry policy for every provider call; `false` makes one attempt only. */
  retry?: RetryPolicy | false;
  /** Models tried, in order, after the request's model fails retryably or overflows. */
  fallbacks?: string[];
  /** The response cache; off when absent or `false`. */
  cache?: ResponseCacheSettings | false;
  /** The embedding cache; off when absent or `false`. */
  embeddingCache?: EmbeddingCacheSettings | false;
  /** Records every call with its exact cost (default: a new in-memory ledger). */
  ledger?: Ledger;
  /** A hard budget every call reserves its worst case against. */
  budget?: BudgetOptions;
  /**
   * The lease of every call's reservation, in ms, for calls with per-call budgets too (default
   * `budget.reservationTtlMs`, else 60 000): a running call renews it every third of this.
   */
  reservationTtlMs?: number;
  /** The tenant: part of every cache key, and the default budget scope (default "default"). */
  namespace?: string;
  /** The model `generate` uses when none is given (default "gpt-4o-mini"). */
  defaultModel?: string;
  /**
   * Source of "now" for retries, cache timestamps and prices: a call is priced (its
   * reservation, its settle, a cache hit's saving) at the prices in force when it was made.
   * Tests inject one.
   */
  clock?: Clock;
  /** How retries wait (tests inject one). */
  sleep?: Sleep;
  /**
   * Connect, first-byte, idle-between-chunks and total timeouts of every provider attempt
   * (defaults 10 s, 60 s for streams, 30 s, 10 min); a call's `timeouts` override these field
   * by field. A timed-out attempt before any output is retried; a stream that times out midway
   * ends with `timeout` and is charged for what arrived.
   *
   * @example
   * ```ts
   * createClient({ timeouts: { firstByteMs: 120_000, idleMs: 15_000 } });
   * ```
   */
  timeouts?: CallTimeouts;
}

/** Passed to `onRetry` before each wait between two attempts of a call. */
export interface ClientRetryEvent {
  /** Number of the attempt that just failed, from 1. */
  attempt: number;
  /** How long the call waits before the next attempt, in ms. */
  delayMs: number;
  /** The model reference being retried ("gpt-4o-mini", or the fallback in use). */
  model: string;
  /**
   * Why, in words fit to show a user, never a secret or the provider's message (which may
   * quote the prompt): "HTTP 429 rate_limited", "timeout", "ECONNREFUSED"...
   */
  reason: string;
  error: unknown;
}

/** Per-call settings on top of the provider's {@link CallOptions}. */
export interface ClientCallOptions extends CallOptions {
  /** The ledger scope charged (default: the budget's scope). */
  scope?: string;
  /** A budget for this call instead of the client's. */
  budget?: { limit: Picodollars | string; scope?: string };
  /**
   * Several budgets reserved at once, instead of the client's budget and `budget` (which it
   * cannot be combined with): e.g. a virtual key's and its team's. The worst case must fit
   * in every one or nothing is sent; the actual cost is charged to all of them, and the spend
   * record goes to the first one's scope with `scopes` listing them all.
   *
   * @example
   * ```ts
   * await client.chat(request, { budgets: [{ scope: "key:k1", limit: "5.00" }, { scope: "team:t1", limit: "100.00" }] });
   * ```
   */
  budgets?: Array<{ scope: string; limit: Picodollars | string }>;
  /** The id this call's spend record carries (default: the provider's response id). */
  requestId?: string;
  /**
   * JSON merged into this call's spend record metadata, cache hits included (the client's
   * own keys, such as `reference` and `partial`, win on a clash).
   */
  metadata?: Record<string, JsonValue>;
  /**
   * The response and embedding cache partition for this call instead of the client's
   * `namespace`, so a gateway can keep each team's cache apart.
   */
  tenant?: string;
  /**
   * Called before each wait between retries, after the client-wide `retry.onRetry`.
   *
   * @example
   * ```ts
   * await client.chat(request, { onRetry: ({ attempt, delayMs, model, reason }) => console.log(`${model}: ${reason}, retry ${attempt} in ${delayMs} ms`) });
   * ```
   */
  onRetry?: (event: ClientRetryEvent) => void;
  /** `false` bypasses the response cache for this call (neither read nor written). */
  cache?: boolean;
  /** Fallback models for this call instead of the client's. */
  fallbacks?: string[];
  /**
   * A check that must pass before anything is sent, run at the same time as the call's
   * reservation instead of before it (a gateway's rate limit: its write and the reservation's
   * then share one ledger round trip or commit). The call waits for it after reserving its
   * first route and before calling the provider, or before returning a cache hit. When it
   * rejects, the reservation is released and the call fails with its error: no fallback, no
   * spend. It is awaited even when the reservation fails, and its rejection wins (the check
   * comes first for the caller, as if it had run alone before the call).
   *
   * @example
   * ```ts
   * await client.chat(request, { admission: rateLimiter.take(key, tokens).then(refuseIfLimited) });
   * ```
   */
  admission?: Promise<void>;
}

/** A chat result with what it cost and how it was obtained. */
export type ClientChatResult = ChatResult & {
  /** What this call cost: every amount is 0 for a cache hit. */
  cost: CostBreakdown;
  /** True when the response came from the response cache. */
  cached: boolean;
  /** Provider attempts made, retries and fallbacks included (0 for a cache hit). */
  attempts: number;
  /** The model reference that answered (the request's model, or the fallback used). */
  modelUsed: string;
  /**
   * True when the caller stopped a stream before its end: the message holds what arrived, and
   * usage and cost are for that part (provider-reported where known, else counted locally).
   */
  partial: boolean;
};

/**
 * A streamed reply: iterate it for chunks. `result` resolves to the assembled reply, its usage
 * and exact cost once the stream ends or the caller stops it (reading `result` alone drains the
 * stream); it rejects with the stream's error.
 */
export interface ClientChatStream extends AsyncIterable<ChatChunk> {
  readonly result: Promise<ClientChatResult>;
}

export interface ClientEmbedRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
}

export interface ClientEmbedResult {
  /** One vector per input, in input order. */
  vectors: Float32Array[];
  /** Tokens sent to the provider (cache hits cost none). */
  usage: { inputTokens: number; estimated: boolean };
  cost: CostBreakdown;
  /** Inputs answered from the embedding cache. */
  hits: number;
  /** Distinct texts sent to the provider. */
  misses: number;
  /**
   * What the inputs answered from the cache would have cost: their tokens, counted with the
   * model's tokenizer, at its input price (0 without hits). The ledger record carries it as
   * `metadata.savedCost`.
   */
  saved: Picodollars;
}

export interface GenerateOptions extends ClientCallOptions {
  /** The kind of task, which sets the temperature (code 0 … brainstorm 1.3; default "general"). */
  task?: string;
  /** The model (default: the client's `defaultModel`). */
  model?: string;
  /** A system message sent before the prompt. */
  system?: string;
  /** Most output tokens. */
  maxTokens?: number;
  /** Overrides the task's temperature. */
  temperature?: number;
}

/** How a token count was obtained: the provider's endpoint, or a local count. */
export type ClientTokenCount = TokenCount & { source: "provider" | "local" };

export interface SpendFilter extends SpendQuery {
  /** How `groups` are grouped (default "model"). */
  groupBy?: SpendTotalsQuery["groupBy"];
}

/** Spend totals from the ledger's log: exact sums, and the same per group. */
export interface SpendSummary {
  cost: Picodollars;
  records: number;
  cachedRecords: number;
  usage: Usage;
  groups: SpendTotalsRow[];
}

export interface TokenwiseClient {
  /** The ledger every call is recorded in. */
  readonly ledger: Ledger;
  chat(request: ChatRequest, options?: ClientCallOptions): Promise<ClientChatResult>;
  streamChat(request: ChatRequest, options?: ClientCallOptions): ClientChatStream;
  embed(request: ClientEmbedRequest, options?: ClientCallOptions): Promise<ClientEmbedResult>;
  generate(prompt: string, options?: GenerateOptions): Promise<string>;
  countTokens(request: ChatRequest, options?: CallOptions): Promise<ClientTokenCount>;
  spend(filter?: SpendFilter): Promise<SpendSummary>;
}
