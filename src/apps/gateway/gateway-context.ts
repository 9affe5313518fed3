/**
 * What every gateway request shares: the checked config, the key registry, rate limiter and
 * budget scopes (the keys module), the ledger and cache store, metrics and logs, and the one
 * tokenwise client every call goes through (its cache partitioned per call by tenant). It
 * holds configuration only: every budget, rate and cache fact lives in the shared stores, so
 * replicas agree.
 */

import type { Ledger } from "../../adapters/ledger/index.js";
import type { ProviderSpec } from "../../adapters/providers/index.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import type { TokenwiseClient } from "../client/index.js";
import { createClient } from "../client/index.js";
import type { GatewayConfig } from "./gateway-config.js";
import type { GatewayError } from "./gateway-failure.js";
import type { GatewayLogger } from "./gateway-logger.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { BudgetScope, KeyRegistry, RateLimiter, Team, VirtualKey } from "./keys/types.js";
import { createRequestFacts, type RequestFacts } from "./request-facts.js";
import type { RequestLog } from "./request-log.js";
import type { GatewayHealth } from "./state/index.js";

/**
 * A handler mounted at `/dashboard/...`: true when it answered the request. The gateway does not
 * build one itself (the dashboard is a face above the gateway); `startGateway` takes a factory,
 * such as `createDashboardHandler` from `tokenwise/dashboard`.
 */
export type DashboardHandler = (
  request: import("node:http").IncomingMessage,
  response: import("node:http").ServerResponse,
) => Promise<boolean>;

/** The admin API handler the keys module provides, mounted at `/admin/...`. */
export type AdminApiHandler = (request: {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}) => Promise<{ status: number; headers?: Record<string, string>; body: unknown }>;

export type BudgetScopesFor = (
  key: VirtualKey,
  team: Team | undefined,
  now: number,
) => BudgetScope[];

export interface GatewayContext {
  config: GatewayConfig;
  registry: KeyRegistry;
  rateLimiter: RateLimiter;
  budgetScopes: BudgetScopesFor;
  ledger: Ledger;
  metrics: GatewayMetrics;
  logger: GatewayLogger;
  requestLog: RequestLog;
  adminApi: AdminApiHandler | undefined;
  /** The spend dashboard, mounted at `/dashboard` (admin key required for its data). */
  dashboard: DashboardHandler | undefined;
  /** The client every model call goes through (reservation → call → settle). */
  client: TokenwiseClient;
  /** Adds latency, cache status and outcome to the records the client writes. */
  facts: RequestFacts;
  /** The client reference ("upstream/model") of a configured model name. */
  referenceOf(model: string): string;
  /**
   * Why a paid request (chat, embeddings) must be refused before anything else is done with
   * it: shared state that does not answer. Undefined when it may go ahead.
   */
  refusal(): GatewayError | undefined;
  /** What /healthz reports about the engines. */
  health(): GatewayHealth;
  now(): number;
}

/**
 * @example
 * ```ts
 * const context = createGatewayContext({ config, registry, rateLimiter, budgetScopes, ledger, metrics, logger, requestLog, upstreamKeys });
 * await context.client.chat(request, { tenant: "team:data", budgets });
 * ```
 */
export function createGatewayContext(options: {
  config: GatewayConfig;
  registry: KeyRegistry;
  rateLimiter: RateLimiter;
  budgetScopes: BudgetScopesFor;
  ledger: Ledger;
  cacheStore: KeyValueStore | undefined;
  metrics: GatewayMetrics;
  logger: GatewayLogger;
  requestLog: RequestLog;
  upstreamKeys: Record<string, string | undefined>;
  adminApi?: AdminApiHandler;
  dashboard?: DashboardHandler;
  /** The engines' admission check and health (default: embedded, always ok). */
  state?: Pick<GatewayContext, "refusal" | "health">;
  now?: () => number;
}): GatewayContext {
  const { config } = options;
  const providers: Record<string, ProviderSpec> = {};
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    const apiKey = options.upstreamKeys[name];
    providers[name] = {
      provider: upstream.kind,
      ...(upstream.baseUrl !== undefined ? { baseUrl: upstream.baseUrl } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(upstream.kind === "openai" || upstream.kind === "ollama" ? { name } : {}),
      ...(upstream.api !== undefined ? { api: upstream.api } : {}),
    } as ProviderSpec;
  }
  const referenceOf = (model: string) => {
    const entry = config.models[model];
    return entry === undefined ? model : `${entry.upstream}/${entry.model}`;
  };
  const cache =
    options.cacheStore !== undefined && config.defaults.cacheTtlMs > 0
      ? {
          store: options.cacheStore,
          ttlMs: config.defaults.cacheTtlMs,
          cacheNonDeterministic: config.defaults.cacheNonDeterministic,
        }
      : false;
  const facts = createRequestFacts();
  const ledger = facts.ledger(options.ledger);
  const client = createClient({
    providers,
    ledger,
    cache,
    embeddingCache: options.cacheStore === undefined ? false : { store: options.cacheStore },
    namespace: "gateway",
    reservationTtlMs: config.defaults.reservationTtlMs,
  });
  return {
    config,
    registry: options.registry,
    rateLimiter: options.rateLimiter,
    budgetScopes: options.budgetScopes,
    ledger,
    metrics: options.metrics,
    logger: options.logger,
    requestLog: options.requestLog,
    adminApi: options.adminApi,
    dashboard: options.dashboard,
    referenceOf,
    refusal: options.state?.refusal ?? (() => undefined),
    health: options.state?.health ?? (() => ({ status: "ok", engine: "embedded", problems: [] })),
    now: options.now ?? Date.now,
    client,
    facts,
  };
}
