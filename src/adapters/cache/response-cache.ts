/**
 * A cache of chat responses over any {@link KeyValueStore}: the first identical request pays,
 * the next ones are answered from the store.
 */
import { assertValidUsage } from "../../core/cost/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { ChatResult } from "../providers/index.js";
import type { KeyValueStore } from "../stores/index.js";
// Internal: assertTtlMs stays out of the public index of adapters/stores.
import { assertTtlMs } from "../stores/store-input.js";
import { type CacheabilityOptions, isCacheableRequest } from "./is-cacheable-request.js";
import { assertNamespace, responseCacheKey } from "./response-cache-key.js";

/** What a cache hit returns. */
export interface CachedResponse {
  /** The stored result, exactly as it was when it was first paid for. */
  result: ChatResult;
  /** When it was stored, in epoch milliseconds. */
  cachedAt: number;
}

/**
 * The JSON text stored under each key. `format` lets a later version recognise (and skip)
 * entries it does not understand instead of misreading them.
 */
export interface StoredResponse {
  format: typeof STORED_FORMAT;
  cachedAt: number;
  result: ChatResult;
}

export interface ResponseCacheOptions extends CacheabilityOptions {
  store: KeyValueStore;
  /** The tenant or partition; entries are never shared across namespaces. */
  namespace: string;
  /** How long an entry lives, in ms. */
  ttlMs: number;
  /** Clock for `cachedAt` (default `Date.now`). */
  now?: () => number;
}

export interface ResponseCache {
  readonly namespace: string;
  /** The store key `request` is cached under. */
  key(request: ChatRequest): string;
  /** The cached response, or undefined on a miss or for a request that is not cacheable. */
  get(request: ChatRequest): Promise<CachedResponse | undefined>;
  /**
   * Stores a successful result; returns false (storing nothing) when the request is not
   * cacheable or the result finished with an error.
   */
  set(request: ChatRequest, result: ChatResult): Promise<boolean>;
  /** Removes the entry for `request`; true when there was one. */
  delete(request: ChatRequest): Promise<boolean>;
  /** Removes every entry of this namespace; returns how many. */
  clear(): Promise<number>;
}

const STORED_FORMAT = "tokenwise.response.v1";
const FINISH_REASONS = new Set([
  "stop",
  "length",
  "tool_calls",
  "content_filter",
  "error",
  "other",
]);

/**
 * Creates a response cache.
 *
 * Only successful results can be stored: `set` takes a `ChatResult`, refuses anything else
 * with `invalid_input`, and skips results whose `finishReason` is "error". Errors are never
 * cached, so a transient failure is retried rather than replayed.
 *
 * @example
 * ```ts
 * const cache = createResponseCache({ store: createMemoryStore(), namespace: "tenant-42", ttlMs: 3_600_000 });
 * const hit = await cache.get(request);
 * if (hit) return hit.result;
 * const result = await provider.chat(request);
 * await cache.set(request, result);
 * ```
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { store, namespace, ttlMs } = options;
  assertNamespace(namespace);
  if (ttlMs === undefined) throw invalidInput("ttlMs", "is required: how long entries live, in ms");
  assertTtlMs(ttlMs);
  const now = options.now ?? Date.now;
  const cacheability: CacheabilityOptions = {
    cacheNonDeterministic: options.cacheNonDeterministic === true,
  };
  const keyPrefix = `response:${encodeURIComponent(namespace)}:`;
  const key = (request: ChatRequest) => keyPrefix + responseCacheKey(request, { namespace });

  return {
    namespace,
    key,
    async get(request) {
      // A request that may not be cached is a miss before its key is worked out: hashing the
      // canonical request is most of a lookup's cost, and most traffic samples.
      if (!isCacheableRequest(request, cacheability)) return undefined;
      const stored = parseStored(await store.get(key(request)));
      if (stored === undefined) return undefined;
      return { result: stored.result, cachedAt: stored.cachedAt };
    },
    async set(request, result) {
      assertChatResult(result);
      if (!isCacheableRequest(request, cacheability) || result.finishReason === "error") {
        return false;
      }
      const stored: StoredResponse = { format: STORED_FORMAT, cachedAt: now(), result };
      await store.set(key(request), JSON.stringify(stored), { ttlMs });
      return true;
    },
    async delete(request) {
      return store.delete(key(request));
    },
    async clear() {
      return store.clear(keyPrefix);
    },
  };
}

function assertChatResult(result: unknown): asserts result is ChatResult {
  const problem = chatResultProblem(result);
  if (problem !== undefined) {
    throw invalidInput(
      "result",
      `must be a successful ChatResult from a provider (${problem}); errors are never cached`,
    );
  }
}

/** Why `value` is not a ChatResult, or undefined when it is one. */
function chatResultProblem(value: unknown): string | undefined {
  if (value instanceof Error || TokenwiseError.isInstance(value)) return "got an error";
  if (typeof value !== "object" || value === null) return `got ${String(value)}`;
  const result = value as Partial<Record<keyof ChatResult, unknown>>;
  for (const field of ["id", "model", "provider"] as const) {
    if (typeof result[field] !== "string") return `${field} must be a string`;
  }
  const message = result.message as { role?: unknown; content?: unknown } | undefined;
  if (typeof message !== "object" || message === null || message.role !== "assistant") {
    return "message must be an assistant message";
  }
  const { content } = message;
  if (content !== null && typeof content !== "string" && !Array.isArray(content)) {
    return "message.content must be a string, an array of parts or null";
  }
  if (typeof result.finishReason !== "string" || !FINISH_REASONS.has(result.finishReason)) {
    return "finishReason must be a known finish reason";
  }
  try {
    assertValidUsage(result.usage as ChatResult["usage"], "result.usage");
  } catch (error) {
    return error instanceof Error ? error.message : "usage is invalid";
  }
  return undefined;
}

/** The stored entry, or undefined when it is missing, foreign or corrupt (a miss, not a crash). */
function parseStored(value: string | Uint8Array | undefined): StoredResponse | undefined {
  if (typeof value !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const stored = parsed as Partial<StoredResponse>;
  if (stored.format !== STORED_FORMAT || typeof stored.cachedAt !== "number") return undefined;
  if (chatResultProblem(stored.result) !== undefined) return undefined;
  return stored as StoredResponse;
}
