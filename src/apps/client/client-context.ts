/**
 * The settings every client call shares, checked once in `createClient`, and the per-call
 * decisions derived from them (budget scope and limit, retry policy, fallback list).
 */
import { createResponseCache, type ResponseCache } from "../../adapters/cache/index.js";
import { createMemoryLedger, type Ledger, type ScopeBudget } from "../../adapters/ledger/index.js";
import type { CallOptions } from "../../adapters/providers/index.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import { type Catalog, defaultCatalog } from "../../core/catalog/index.js";
import { invalidInput } from "../../core/errors/index.js";
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
  /** The response cache of a call's tenant (`options.tenant`, else the namespace), if any. */
  responseCacheFor(options: ClientCallOptions): ResponseCache | undefined;
  /** The embedding cache's store (inside the call's tenant partition) and TTL, if any. */
  embeddingCacheFor(
    options: ClientCallOptions,
  ): { store: KeyValueStore; ttlMs?: number } | undefined;
  defaultModel: string;
  /**
   * Where a call's spend is recorded and the budgets it reserves on (none: no budget, only
   * recording).
   */
  budgetFor(options: ClientCallOptions): { scope: string; budgets: ScopeBudget[] };
  reservationTtlMs: number;
  /** The retry policy for one call, with its signal and timeout. */
  retryPolicyFor(options: ClientCallOptions): RetryPolicy;
  /**
   * What one provider attempt of a call receives: its headers, the attempt's signal, and the
   * client's timeouts overridden by the call's.
   */
  providerOptionsFor(options: ClientCallOptions, signal: AbortSignal): CallOptions;
  /** The routes a chat call may try, in order: its model, then the fallbacks. */
  candidatesFor(model: string, options: ClientCallOptions): ModelRoute[];
  now(): number;
}

const DEFAULT_RESPONSE_TTL_MS = 24 * 60 * 60 * 1000;
/** Short, because a running call renews its lease every third of it. */
const DEFAULT_RESERVATION_TTL_MS = 60 * 1000;

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
  const reservationTtlMs =
    options.reservationTtlMs ?? options.budget?.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  if (!Number.isSafeInteger(reservationTtlMs) || reservationTtlMs < 1) {
    throw invalidInput(
      options.reservationTtlMs !== undefined ? "reservationTtlMs" : "budget.reservationTtlMs",
      `must be a whole number of milliseconds above 0, got ${String(reservationTtlMs)}`,
    );
  }

  const cacheSettings = options.cache || undefined;
  const responseCaches = new Map<string, ResponseCache>();
  const responseCacheFor = (call: ClientCallOptions): ResponseCache | undefined => {
    if (cacheSettings === undefined) return undefined;
    const tenant = tenantOf(call, namespace);
    let cache = responseCaches.get(tenant);
    if (cache === undefined) {
      cache = createResponseCache({
        store: cacheSettings.store,
        namespace: partition(tenant, cacheSettings.namespace),
        ttlMs: cacheSettings.ttlMs ?? DEFAULT_RESPONSE_TTL_MS,
        cacheNonDeterministic: cacheSettings.cacheNonDeterministic === true,
        now,
      });
      // One small object per tenant; a gateway with more tenants than this rebuilds them.
      if (responseCaches.size >= MAX_CACHED_TENANTS) responseCaches.clear();
      responseCaches.set(tenant, cache);
    }
    return cache;
  };
  if (cacheSettings !== undefined) responseCacheFor({});
  const embeddingSettings = options.embeddingCache || undefined;
  const embeddingCacheFor = (call: ClientCallOptions) =>
    embeddingSettings === undefined
      ? undefined
      : {
          store: namespacedStore(
            embeddingSettings.store,
            `embedding:${encodeURIComponent(partition(tenantOf(call, namespace), embeddingSettings.namespace))}:`,
          ),
          ttlMs: embeddingSettings.ttlMs,
        };

  return {
    catalog,
    router,
    ledger: options.ledger ?? createMemoryLedger(),
    namespace,
    responseCacheFor,
    embeddingCacheFor,
    defaultModel: options.defaultModel ?? "gpt-4o-mini",
    reservationTtlMs,
    now,
    budgetFor(call) {
      if (call.budgets !== undefined) {
        if (call.budget !== undefined) {
          throw invalidInput(
            "options.budgets",
            "cannot be combined with options.budget; list every budget in options.budgets",
          );
        }
        const budgets = readBudgets(call.budgets);
        return { scope: (budgets[0] as ScopeBudget).scope, budgets };
      }
      if (call.budget !== undefined) {
        const scope = call.budget.scope ?? call.scope ?? clientScope;
        return {
          scope,
          budgets: [{ scope, limit: parseLimit(call.budget.limit, "options.budget.limit") }],
        };
      }
      const scope = call.scope ?? clientScope;
      return {
        scope,
        budgets: clientLimit === undefined ? [] : [{ scope, limit: clientLimit }],
      };
    },
    providerOptionsFor(call, signal) {
      const sent: CallOptions = { signal, timeouts: { ...options.timeouts, ...call.timeouts } };
      if (call.headers !== undefined) sent.headers = call.headers;
      if (call.timeoutMs !== undefined) sent.timeoutMs = call.timeoutMs;
      return sent;
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

/** Tenants whose response cache objects are kept between calls. */
const MAX_CACHED_TENANTS = 1000;

/** The cache partition of a call: its `tenant`, else the client's namespace. */
function tenantOf(call: ClientCallOptions, namespace: string): string {
  if (call.tenant === undefined) return namespace;
  if (typeof call.tenant !== "string" || call.tenant === "") {
    throw invalidInput(
      "options.tenant",
      `must be a non-empty string naming the cache partition (e.g. a team id), got ${String(call.tenant)}`,
    );
  }
  return call.tenant;
}

function readBudgets(value: unknown): ScopeBudget[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidInput(
      "options.budgets",
      'must be a non-empty list such as [{ scope: "key:1", limit: "5.00" }, { scope: "team:a", limit: "50.00" }]',
    );
  }
  return value.map((budget: unknown, index) => {
    const { scope, limit } = (budget ?? {}) as { scope?: unknown; limit?: unknown };
    if (typeof scope !== "string" || scope === "") {
      throw invalidInput(`options.budgets[${index}].scope`, "must be a non-empty string");
    }
    return { scope, limit: parseLimit(limit, `options.budgets[${index}].limit`) };
  });
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
