import type { Ledger } from "../../adapters/ledger/index.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import type { Catalog } from "../../core/catalog/index.js";
import type { ReportBudget } from "../report/index.js";
import type { GatewayConfig } from "./gateway-config.js";
import {
  type AdminApiHandler,
  type BudgetScopesFor,
  createGatewayContext,
  type DashboardHandler,
} from "./gateway-context.js";
import { type EngineFlags, resolveGatewayEngines } from "./gateway-engines.js";
import { createJsonLogger, type GatewayLogger } from "./gateway-logger.js";
import { createGatewayMetrics } from "./gateway-metrics.js";
import { listenGateway, type RunningGateway } from "./gateway-server.js";
import { budgetScopes as defaultBudgetScopes } from "./keys/index.js";
import type { KeyRegistry, RateLimiter } from "./keys/types.js";
import { upstreamKeys } from "./load-gateway-config.js";
import { registryBudgets } from "./registry-budgets.js";
import { createRequestLog } from "./request-log.js";
import {
  type GatewayState,
  type OpenGatewayStateOptions,
  openGatewayState,
} from "./state/index.js";

export interface StartGatewayOptions {
  config: GatewayConfig;
  /**
   * Where the shared state lives, over the config's `state` and the environment
   * (TOKENWISE_REDIS_URL, TOKENWISE_POSTGRES_URL): both Redis and PostgreSQL, or neither for
   * the embedded SQLite file in the data dir.
   */
  engines?: EngineFlags;
  /** Already opened engines (see {@link openGatewayState}); the gateway does not close them. */
  state?: GatewayState;
  /** Virtual keys and teams (default: the engines' registry, SQLite or PostgreSQL). */
  registry?: KeyRegistry;
  /** Per-key requests / tokens per minute (default: the engines' limiter, SQLite or Redis). */
  rateLimiter?: RateLimiter;
  /** The ledger scopes and limits of a key and its team (default `budgetScopes`). */
  budgetScopes?: BudgetScopesFor;
  /** Budgets and spend records, embedded engines only (default: SQLite in the data dir). */
  ledger?: Ledger;
  /**
   * The response and embedding cache (default: SQLite in the data dir, or Redis when the state
   * is shared; `false`: none).
   */
  cacheStore?: KeyValueStore | false;
  /** Opens the key registry of shared engines over their PostgreSQL pool. */
  openRegistry?: OpenGatewayStateOptions["openRegistry"];
  /** Mounted at `/admin/...`. */
  adminApi?: AdminApiHandler;
  /**
   * Builds the handler mounted at `/admin/...` over the registry the gateway uses (when the
   * engines open it), e.g. `(registry) => createAdminApi({ registry, masterKey })`.
   */
  adminApiFor?: (registry: KeyRegistry) => AdminApiHandler;
  /**
   * Builds the spend dashboard mounted at `/dashboard` behind the master key: pass
   * `createDashboardHandler` from `tokenwise/dashboard`. Not mounted without it, nor without a
   * master key of at least 8 characters.
   */
  dashboard?: DashboardFactory;
  logger?: GatewayLogger;
  /** Where upstream keys are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  catalog?: Catalog;
  /** Overrides the config's port (0: a free one). */
  port?: number;
}

/** What the gateway hands the dashboard it mounts. */
export interface DashboardMount {
  ledger: Ledger;
  /** The master key: the dashboard page must present it. */
  adminKey: string;
  /** Every live key's and team's budget of the current period, from the key registry. */
  budgets: () => Promise<readonly ReportBudget[]>;
}

export type DashboardFactory = (mount: DashboardMount) => DashboardHandler;

export interface StartedGateway extends RunningGateway {
  ledger: Ledger;
  /** The engines: their health, and the registry and limiter the gateway uses. */
  state: GatewayState;
}

/**
 * Starts the gateway: reads the upstream keys from the environment variables the config names
 * (failing now, naming the missing ones), opens its engines (the embedded SQLite file, or Redis +
 * PostgreSQL shared by replicas) unless given, and listens.
 *
 * @example
 * ```ts
 * import { loadGatewayConfig, startGateway } from "tokenwise/gateway";
 * const config = await loadGatewayConfig("gateway.json");
 * const gateway = await startGateway({ config }); // or engines: { redis, postgres }
 * console.log(`gateway on ${gateway.url}`);
 * process.once("SIGTERM", () => void gateway.close());
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<StartedGateway> {
  const { config } = options;
  const env = options.env ?? process.env;
  const keys = upstreamKeys(config, env);
  const engines =
    options.state?.engines ?? resolveGatewayEngines({ config, flags: options.engines ?? {}, env });
  const secrets = Object.values(keys).filter((key): key is string => key !== undefined);
  const masterKey = env[config.masterKeyEnv];
  if (masterKey !== undefined) secrets.push(masterKey);
  if (engines.kind === "shared")
    secrets.push(...urlPasswords(engines.redisUrl, engines.postgresUrl));
  const logger = options.logger ?? createJsonLogger({ secrets });
  const state =
    options.state ??
    (await openGatewayState({
      config,
      engines,
      env,
      logger,
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
      ...(options.rateLimiter !== undefined ? { rateLimiter: options.rateLimiter } : {}),
      ...(options.ledger !== undefined ? { ledger: options.ledger } : {}),
      ...(options.cacheStore !== undefined ? { cacheStore: options.cacheStore } : {}),
      ...(options.openRegistry !== undefined ? { openRegistry: options.openRegistry } : {}),
    }));
  const ownedState = options.state === undefined;
  try {
    const { ledger, registry } = state;
    const budgetScopes = options.budgetScopes ?? defaultBudgetScopes;
    const requestLog = createRequestLog({
      ledger,
      onError: (error) =>
        logger.log("error", "request log write failed", {
          error: error instanceof Error ? error.message : String(error),
        }),
    });
    const metrics = createGatewayMetrics({ models: Object.keys(config.models) });
    state.registerMetrics(metrics.registry);
    const adminApi = options.adminApi ?? options.adminApiFor?.(registry);
    const context = createGatewayContext({
      config,
      registry,
      rateLimiter: state.rateLimiter,
      budgetScopes,
      ledger,
      cacheStore: state.cacheStore,
      metrics,
      logger,
      requestLog,
      upstreamKeys: keys,
      state,
      ...(adminApi !== undefined ? { adminApi } : {}),
      // The master key opens the dashboard too; without one (or with one too short to be a
      // secret) /dashboard is not mounted, so no one reads spend data.
      ...(options.dashboard !== undefined && masterKey !== undefined && masterKey.length >= 8
        ? {
            dashboard: options.dashboard({
              ledger,
              adminKey: masterKey,
              budgets: () => registryBudgets({ registry, budgetScopes, now: Date.now() }),
            }),
          }
        : {}),
    });
    const running = await listenGateway(context, {
      host: config.host,
      port: options.port ?? config.port,
    });
    logger.log("info", "gateway listening", {
      url: running.url,
      models: Object.keys(config.models),
      state: state.description,
    });
    return {
      ...running,
      ledger,
      state,
      async close(closeOptions) {
        await running.close(closeOptions);
        if (ownedState) await state.close();
      },
    };
  } catch (error) {
    if (ownedState) await state.close();
    throw error;
  }
}

function urlPasswords(...urls: string[]): string[] {
  return urls.flatMap((url) => {
    try {
      const password = decodeURIComponent(new URL(url).password);
      return password === "" ? [] : [password];
    } catch {
      return [];
    }
  });
}
