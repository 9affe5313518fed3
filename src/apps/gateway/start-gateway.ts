import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createSqliteLedger, type Ledger } from "../../adapters/ledger/index.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import { createSqliteStore, DATABASE_FILE, resolveDataDir } from "../../adapters/stores/index.js";
import type { Catalog } from "../../core/catalog/index.js";
import type { ReportBudget } from "../report/index.js";
import type { GatewayConfig } from "./gateway-config.js";
import {
  type AdminApiHandler,
  type BudgetScopesFor,
  createGatewayContext,
  type DashboardHandler,
} from "./gateway-context.js";
import { createJsonLogger, type GatewayLogger } from "./gateway-logger.js";
import { createGatewayMetrics } from "./gateway-metrics.js";
import { listenGateway, type RunningGateway } from "./gateway-server.js";
import type { KeyRegistry, RateLimiter } from "./keys/types.js";
import { upstreamKeys } from "./load-gateway-config.js";
import { registryBudgets } from "./registry-budgets.js";
import { createRequestLog } from "./request-log.js";

export interface StartGatewayOptions {
  config: GatewayConfig;
  /** Virtual keys and teams (the keys module: SQLite embedded, PostgreSQL at scale). */
  registry: KeyRegistry;
  /** Per-key requests / tokens per minute (the keys module: SQLite, Redis or memory). */
  rateLimiter: RateLimiter;
  /** The ledger scopes and limits of a key and its team for the current periods. */
  budgetScopes: BudgetScopesFor;
  /** Budgets and spend records (default: SQLite in the data dir). */
  ledger?: Ledger;
  /** The response and embedding cache (default: SQLite in the data dir; `false`: none). */
  cacheStore?: KeyValueStore | false;
  /** Mounted at `/admin/...`. */
  adminApi?: AdminApiHandler;
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
}

/**
 * Starts the gateway: reads the upstream keys from the environment variables the config names
 * (failing now, naming the missing ones), opens the embedded SQLite ledger and cache unless
 * others are given, and listens.
 *
 * @example
 * ```ts
 * import { loadGatewayConfig, startGateway } from "tokenwise/gateway";
 * const config = await loadGatewayConfig("gateway.json");
 * const gateway = await startGateway({ config, registry, rateLimiter, budgetScopes });
 * console.log(`gateway on ${gateway.url}`);
 * process.once("SIGTERM", () => void gateway.close());
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<StartedGateway> {
  const { config } = options;
  const env = options.env ?? process.env;
  const keys = upstreamKeys(config, env);
  const secrets = Object.values(keys).filter((key): key is string => key !== undefined);
  const masterKey = env[config.masterKeyEnv];
  if (masterKey !== undefined) secrets.push(masterKey);
  const logger = options.logger ?? createJsonLogger({ secrets });
  const dataDir = resolveDataDir({
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    env,
  });
  const databasePath = join(dataDir, DATABASE_FILE);
  if (options.ledger === undefined || options.cacheStore === undefined) {
    mkdirSync(dataDir, { recursive: true });
  }
  const ownedLedger = options.ledger === undefined;
  const ledger = options.ledger ?? createSqliteLedger({ path: databasePath });
  const ownedStore = options.cacheStore === undefined;
  const cacheStore =
    options.cacheStore === undefined
      ? createSqliteStore({ path: databasePath })
      : options.cacheStore === false
        ? undefined
        : options.cacheStore;
  const requestLog = createRequestLog({
    ledger,
    onError: (error) =>
      logger.log("error", "request log write failed", {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  const context = createGatewayContext({
    config,
    registry: options.registry,
    rateLimiter: options.rateLimiter,
    budgetScopes: options.budgetScopes,
    ledger,
    cacheStore,
    metrics: createGatewayMetrics({ models: Object.keys(config.models) }),
    logger,
    requestLog,
    upstreamKeys: keys,
    ...(options.adminApi !== undefined ? { adminApi: options.adminApi } : {}),
    // The master key opens the dashboard too; without one (or with one too short to be a
    // secret) /dashboard is not mounted, so no one reads spend data.
    ...(options.dashboard !== undefined && masterKey !== undefined && masterKey.length >= 8
      ? {
          dashboard: options.dashboard({
            ledger,
            adminKey: masterKey,
            budgets: () =>
              registryBudgets({
                registry: options.registry,
                budgetScopes: options.budgetScopes,
                now: Date.now(),
              }),
          }),
        }
      : {}),
  });
  const running = await listenGateway(context, {
    host: config.host,
    port: options.port ?? config.port,
  });
  logger.log("info", "gateway listening", { url: running.url, models: Object.keys(config.models) });
  return {
    ...running,
    ledger,
    async close(closeOptions) {
      await running.close(closeOptions);
      if (ownedLedger) await ledger.close();
      if (ownedStore) await cacheStore?.close?.();
    },
  };
}
