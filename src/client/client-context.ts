/**
 * The settings every client call shares, checked once in `createClient`, and the per-call
 * decisions derived from them (budget scope and limit, retry policy, fallback list).
 */
import { createResponseCache, type ResponseCache } from "../cache/response-cache.js";
import { type Catalog, defaultCatalog } from "../catalog/index.js";
import { invalidInput } from "../errors/index.js";
import { createMemoryLedger, type Ledger } from "../ledger/index.js";
import type { Picodollars } from "../money/index.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import { parseLimit } from "./budget-guard.js";
import type { ClientCallOptions, CreateClientOptions } from "./client-types.js";
import { createModelRouter, type ModelRoute, type ModelRouter } from "./model-router.js";
import { namespacedStore } from "./namespaced-store.js";
import type { RetryPolicy } from "./retry-policy.js";

export interface ClientContext {
  catalog: Catalog;
  router: ModelRouter;
  ledger: Ledger;
  namespace: string;
  responseCache: ResponseCache | undefined;
  /** The embedding cache's store (already inside the tenant's namespace) and TTL. */
  embeddingCache: { store: KeyValueStore; ttlMs?: number } | undefined;
  defaultModel: string;
  /** Budget scope and limit for a call (limit undefined: no budget, only recording). */
  budgetFor(options: ClientCallOptions): { scope: string; limit: Picodollars | undefined };
  reservationTtlMs: number;
  /** The retry policy for one call, with its signal and timeout. */
  retryPolicyFor(options: ClientCallOptions): RetryPolicy;
  /** The routes a chat call may try, in order: its model, then the fallbacks. */
  candidatesFor(model: string, options: ClientCallOptions): ModelRoute[];
  now(): number;
}

const DEFAULT_RESPONSE_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RESERVATION_TTL_MS = 10 * 60 * 1000;

/**
 * Checks the options of `createClient` and resolves their defaults.
 *
 * @example
 * ```ts
 * const context = createClientContext({ budget: { limit: "5.00" } });
 * context.budgetFor({}); // { scope: "default", limit: 5_000_000_000_000n }
 * ```
 */
export function createClientContext(options: CreateClientOptions): ClientContext {
  if (typeof options !== "object" || options === null) {
    throw invalidInput("options", 'must be an object such as { budget: { limit: "5.00" } }');
  }
  const namespace = options.namespace ?? "default";
  if (typeof namespace !== "string" || namespace === "") {
    throw invalidInput(
      "namespace",
      `must be a non-empty string naming the tenant, got ${String(namespace)}`,
    );
  }
  const catalog = options.catalog ?? defaultCatalog;
  const router = createModelRouter({ catalog, providers: options.providers ?? {} });
  const now = () => options.clock?.now() ?? Date.now();
  const retry = options.retry === false ? { maxAttempts: 1 } : (options.retry ?? {});
  const fallbacks = readFallbacks(options.fallbacks, "fallbacks") ?? [];
  const clientLimit =
    options.budget === undefined ? undefined : parseLimit(options.budget.limit, "budget.limit");
  const clientScope = options.budget?.scope ?? namespace;
  const reservationTtlMs = options.budget?.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  if (!Number.isSafeInteger(reservationTtlMs) || reservationTtlMs < 1) {
    throw invalidInput(
      "budget.reservationTtlMs",
      `must be a whole number of milliseconds above 0, got ${String(reservationTtlMs)}`,
    );
  }

  let responseCache: ResponseCache | undefined;
  if (options.cache) {
    responseCache = createResponseCache({
      store: options.cache.store,
      namespace: partition(namespace, options.cache.namespace),
      ttlMs: options.cache.ttlMs ?? DEFAULT_RESPONSE_TTL_MS,
      cacheNonDeterministic: options.cache.cacheNonDeterministic === true,
      now,
    });
  }
  const embeddingCache = options.embeddingCache
    ? {
        store: namespacedStore(
          options.embeddingCache.store,
          `embedding:${encodeURIComponent(partition(namespace, options.embeddingCache.namespace))}:`,
        ),
        ttlMs: options.embeddingCache.ttlMs,
      }
    : undefined;

  return {
    catalog,
    router,
    ledger: options.ledger ?? createMemoryLedger(),
    namespace,
    responseCache,
    embeddingCache,
    defaultModel: options.defaultModel ?? "gpt-4o-mini",
    reservationTtlMs,
    now,
    budgetFor(call) {
      if (call.budget !== undefined) {
        return {
          scope: call.budget.scope ?? call.scope ?? clientScope,
          limit: parseLimit(call.budget.limit, "options.budget.limit"),
        };
      }
      return { scope: call.scope ?? clientScope, limit: clientLimit };
    },
    retryPolicyFor(call) {
      const policy: RetryPolicy = { ...retry };
      if (options.clock !== undefined) policy.clock = options.clock;
      if (options.sleep !== undefined) policy.sleep = options.sleep;
      if (call.signal !== undefined) policy.signal = call.signal;
      if (call.timeoutMs !== undefined) policy.attemptTimeoutMs = call.timeoutMs;
      return policy;
    },
    candidatesFor(model, call) {
      const primary = router.route(model, "request.model");
      const field = call.fallbacks === undefined ? "fallbacks" : "options.fallbacks";
      const references = readFallbacks(call.fallbacks, field) ?? fallbacks;
      return [
        primary,
        ...references.map((reference, index) => router.route(reference, `${field}[${index}]`)),
      ];
    },
  };
}

/** The tenant, plus a partition inside it when one is given. */
function partition(namespace: string, inner: string | undefined): string {
  return inner === undefined || inner === "" ? namespace : `${namespace}/${inner}`;
}

function readFallbacks(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
    throw invalidInput(field, 'must be a list of model names such as ["claude-haiku-4-5"]');
  }
  return value;
}
