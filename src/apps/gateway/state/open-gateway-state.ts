/**
 * Opens the engines the gateway keeps its state in, in one place for the CLI and the library.
 *
 * Embedded (the default): one SQLite file in the data dir holds keys, budgets, reservations,
 * rate limits, the response cache and the ledger.
 *
 * Shared (`--redis URL --postgres URL`): Redis holds what every request touches - reservations
 * (leases on the Redis server's clock), the budgets' live counters, rate limits and the
 * response cache - and PostgreSQL holds what must last: keys, teams and their budgets, and the
 * spend ledger's rows, which reports read. Migrations run at start under PostgreSQL's advisory
 * lock. Each settle leaves its row in Redis in the same step as its charge; a relay moves the
 * rows to PostgreSQL in batches. How it fails:
 * - Redis down: every paid request is refused with 503 before anything is sent (fail closed),
 *   or with `failOpen` served WITHOUT budgets and charged once Redis is back. Never
 *   per-process counters.
 * - PostgreSQL down: requests keep being served from Redis; rows wait in Redis, bounded by
 *   `maxPendingSpendRows`, past which paid requests get 503 until they are written. Keys this
 *   replica has seen keep working from memory.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { Counter, Gauge, type Registry } from "prom-client";
import {
  createPostgresLedger,
  createPostgresSpendWriter,
  createRedisLedger,
  createSqliteLedger,
  isLedgerStateLost,
  type Ledger,
  redisLedgerHasData,
  redisSpendOutbox,
  restoreRedisLedger,
  type SpendWriterStats,
  spentByScope,
} from "../../../adapters/ledger/index.js";
import {
  createRedisStore,
  createSqliteStore,
  DATABASE_FILE,
  type KeyValueStore,
  migratePostgres,
  openSqliteConnection,
  resolveDataDir,
  type SqliteDatabase,
} from "../../../adapters/stores/index.js";
import {
  OPTIONAL_DEPENDENCIES,
  requireOptional,
  TokenwiseError,
} from "../../../core/errors/index.js";
import type { GatewayConfig } from "../gateway-config.js";
import { describeEngines, type GatewayEngines, hostOf } from "../gateway-engines.js";
import { GatewayError } from "../gateway-failure.js";
import { type GatewayLogger, scrubSecrets } from "../gateway-logger.js";
import {
  createCachedKeyRegistry,
  createPostgresKeyRegistry,
  createRedisKeyInvalidation,
  createRedisRateLimiter,
  createSqliteKeyRegistry,
  createSqliteRateLimiter,
  type KeyInvalidation,
  keyInvalidationChannel,
} from "../keys/index.js";
import type { KeyRegistry, RateLimiter } from "../keys/types.js";
import { lastKnownRegistry } from "./last-known-registry.js";
import { openRedisLink, type RedisLink } from "./redis-link.js";
import { createSharedLedger, type SharedLedger } from "./shared-ledger.js";
import { RELEASE_LOCK, type SpendRelay, startSpendRelay } from "./spend-relay.js";

/** What /healthz reports. */
export interface GatewayHealth {
  /**
   * ok: everything answers. degraded: serving, but something is down (PostgreSQL; Redis with
   * failOpen) or catching up. unavailable: paid requests are refused now (503).
   */
  status: "ok" | "degraded" | "unavailable";
  engine: "embedded" | "shared";
  /** What is wrong, one sentence each (empty when ok). */
  problems: string[];
  redis?: {
    address: string;
    up: boolean;
    /** Seconds since Redis stopped answering (while down). */
    downForSeconds?: number;
    failOpen: boolean;
    /** Requests this replica served without budgets because Redis was down (failOpen). */
    failOpenRequests: number;
    /** Charges made while Redis was down, waiting to be applied to its counters. */
    chargesWaiting: number;
    /** True while this replica rebuilds Redis's counters from PostgreSQL (Redis lost its data). */
    rebuildingCounters?: boolean;
    /** Times this replica rebuilt them (a start on an empty Redis counts). */
    countersRebuilt?: number;
  };
  postgres?: {
    address: string;
    schema: string;
    up: boolean;
    /** Key and team lookups answered from this replica's memory because PostgreSQL failed. */
    keyLookupsFromMemory: number;
    spendRows: SpendRowsHealth;
  };
}

export interface SpendRowsHealth {
  /** Rows not in PostgreSQL yet: in Redis waiting for the relay, plus this replica's buffer. */
  pending: number;
  /** Past this many, paid requests are refused with 503 until rows are written. */
  maxPending: number;
  /** This replica's writer: rows in memory now. */
  buffered: number;
  written: number;
  duplicates: number;
  refused: number;
  failedFlushes: number;
  lastError?: string;
  /** Seconds since the last failed write to PostgreSQL, if there was one. */
  lastErrorAgeSeconds?: number;
}

export interface GatewayState {
  readonly engines: GatewayEngines;
  /** Where the state lives, URLs redacted ("embedded SQLite in .tokenwise"). */
  readonly description: string;
  readonly ledger: Ledger;
  /** The response and embedding cache, or undefined for none. */
  readonly cacheStore: KeyValueStore | undefined;
  readonly registry: KeyRegistry;
  readonly rateLimiter: RateLimiter;
  /** Why a paid request must be refused right now (counted in metrics), or undefined. */
  refusal(): GatewayError | undefined;
  health(): GatewayHealth;
  /** Adds the state's gauges and counters to the gateway's metrics registry. */
  registerMetrics(registry: Registry): void;
  /** Writes what is pending (spend rows), then closes every engine the state opened. */
  close(): Promise<void>;
}

export interface OpenGatewayStateOptions {
  config: GatewayConfig;
  engines: GatewayEngines;
  /** Where TOKENWISE_DATA_DIR is read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  logger?: GatewayLogger;
  /** Engines given by the caller: used as they are, and not closed by the state. */
  registry?: KeyRegistry;
  rateLimiter?: RateLimiter;
  /** Embedded only: the ledger (default: SQLite in the data dir). */
  ledger?: Ledger;
  /** The cache store (default: SQLite in the data dir, or Redis when shared); `false`: none. */
  cacheStore?: KeyValueStore | false;
  /**
   * Shared only: opens the key registry over the state's PostgreSQL pool (default: the
   * PostgreSQL key registry). Its result is closed with the state.
   */
  openRegistry?: (connection: SharedConnections) => KeyRegistry | Promise<KeyRegistry>;
}

/** The connections of a shared state, for engines opened over them. */
export interface SharedConnections {
  pool: pg.Pool;
  schema: string;
  redis: RedisLink;
  redisPrefix: string;
}

const silent: GatewayLogger = { log: () => undefined };

/**
 * @example
 * ```ts
 * const engines = resolveGatewayEngines({ config, flags: { redis, postgres }, env: process.env });
 * const state = await openGatewayState({ config, engines });
 * // state.ledger, state.registry, state.rateLimiter, state.cacheStore
 * await state.close();
 * ```
 */
export async function openGatewayState(options: OpenGatewayStateOptions): Promise<GatewayState> {
  return options.engines.kind === "embedded"
    ? openEmbeddedState(options)
    : openSharedState(options, options.engines);
}

function openEmbeddedState(options: OpenGatewayStateOptions): GatewayState {
  const { config } = options;
  const dataDir = resolveDataDir({
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    env: options.env ?? process.env,
  });
  const path = join(dataDir, DATABASE_FILE);
  const needsFile =
    options.ledger === undefined ||
    options.cacheStore === undefined ||
    options.registry === undefined ||
    options.rateLimiter === undefined;
  const owned: Array<{ close(): Promise<void> | void }> = [];
  const own = <T extends { close(): Promise<void> | void }>(engine: T): T => {
    owned.push(engine);
    return engine;
  };
  // One connection for every engine of the file: the writes of one event-loop turn (a
  // request's rate-limit take and reservation, other requests' settles) share one commit.
  // Closed last, after the engines flushed what they queued.
  let file: { database: SqliteDatabase } | undefined;
  if (needsFile) {
    mkdirSync(dataDir, { recursive: true });
    const { database } = openSqliteConnection({ path });
    owned.push({
      close: () => {
        database.close();
      },
    });
    file = { database };
  }
  const shared = file as { database: SqliteDatabase };
  const ledger = options.ledger ?? own(createSqliteLedger(shared));
  const cacheStore =
    options.cacheStore === false
      ? undefined
      : (options.cacheStore ?? own(createSqliteStore(shared)));
  const registry = options.registry ?? own(createSqliteKeyRegistry(shared));
  const rateLimiter = options.rateLimiter ?? own(createSqliteRateLimiter(shared));
  return {
    engines: options.engines,
    description: describeEngines(options.engines, dataDir),
    ledger,
    cacheStore,
    registry,
    rateLimiter,
    refusal: () => undefined,
    health: () => ({ status: "ok", engine: "embedded", problems: [] }),
    registerMetrics: () => undefined,
    async close() {
      for (const engine of owned.reverse()) await engine.close();
    },
  };
}

type SharedEngines = Extract<GatewayEngines, { kind: "shared" }>;

async function openSharedState(
  options: OpenGatewayStateOptions,
  engines: SharedEngines,
): Promise<GatewayState> {
  if (options.ledger !== undefined) {
    throw new TokenwiseError(
      "invalid_input",
      "ledger cannot be given with Redis + PostgreSQL engines: the gateway builds its ledger from them (Redis for reservations and counters, PostgreSQL for the rows).",
      { details: { field: "ledger" } },
    );
  }
  const logger = options.logger ?? silent;
  const secrets = [engines.redisUrl, engines.postgresUrl].flatMap(passwordOf);
  const scrub = (text: string) => scrubSecrets(text, secrets);
  const postgresAddress = hostOf(engines.postgresUrl, 5432);
  const prefix = engines.redisPrefix;
  const maxPending = engines.maxPendingSpendRows;

  const link = await openRedisLink({ url: engines.redisUrl, timeoutMs: engines.redisTimeoutMs });
  let pool: pg.Pool;
  try {
    pool = openPool(engines.postgresUrl);
  } catch (error) {
    await link.close();
    throw error;
  }
  try {
    await migratePostgres({ pool, schema: engines.postgresSchema });
  } catch (error) {
    await link.close();
    await pool.end().catch(() => undefined);
    throw new TokenwiseError(
      "store_error",
      `PostgreSQL at ${postgresAddress} could not be migrated (schema ${engines.postgresSchema}): ${scrub(messageOf(error))}. Start it, or check --postgres / TOKENWISE_POSTGRES_URL / "state.postgres".`,
      { cause: error, details: { field: "postgres" } },
    );
  }
  const connection = { pool, schema: engines.postgresSchema, migrate: false } as const;

  // Keys: PostgreSQL, cached in process and dropped when any replica announces a change over
  // Redis pub/sub (or after keyCacheTtlMs when a message is lost), and the last answer kept
  // for while PostgreSQL does not answer.
  let invalidation: KeyInvalidation | undefined;
  let ownedRegistry: KeyRegistry | undefined;
  try {
    invalidation =
      options.registry === undefined
        ? createRedisKeyInvalidation({
            client: link.client,
            channel: keyInvalidationChannel(engines.postgresSchema),
          })
        : undefined;
    ownedRegistry =
      options.registry === undefined
        ? createCachedKeyRegistry(
            await openRegistry(options, {
              pool,
              schema: engines.postgresSchema,
              redis: link,
              redisPrefix: prefix,
            }),
            {
              ttlMs: engines.keyCacheTtlMs,
              ...(invalidation !== undefined ? { invalidation } : {}),
              onPublishError: (error) =>
                logger.log("warn", "a key change could not be announced to the other replicas", {
                  error: scrub(error.message),
                  seenWithinMs: engines.keyCacheTtlMs,
                }),
            },
          )
        : undefined;
  } catch (error) {
    await invalidation?.close();
    await link.close();
    await pool.end().catch(() => undefined);
    throw error;
  }

  const redisDown = () =>
    new GatewayError({
      status: 503,
      kind: "server",
      message: `shared state unavailable: Redis at ${link.address} did not answer; nothing was sent. Retry shortly.`,
      headers: { "retry-after": "1" },
    });
  const registryDown = () =>
    new GatewayError({
      status: 503,
      kind: "server",
      message: `shared state unavailable: PostgreSQL at ${postgresAddress} did not answer and this replica has not seen this key yet; nothing was sent. Retry shortly.`,
      headers: { "retry-after": "1" },
    });

  const counters = { failOpen: 0, lost: 0, refusedRedis: 0, refusedBacklog: 0, rebuilt: 0 };
  let lastFailOpenLog = 0;
  const writer = createPostgresSpendWriter({
    ...connection,
    // Room for the relay's batches and for the rows of requests admitted before the bound hit.
    maxBufferedRows: maxPending * 2 + 500,
    flushIntervalMs: 1000,
    maxRetryDelayMs: 2000,
  });
  const ledgerPrefix = `${prefix}ledger:`;
  // Present while Redis holds the counters; gone with the rest of its data if Redis restarts
  // without persistence, and then no money moves until the counters are rebuilt.
  const epochKey = `${ledgerPrefix}epoch`;
  const redisLedger = createRedisLedger({
    client: link.client,
    prefix: ledgerPrefix,
    epochKey,
  });
  let rebuilding: Promise<void> | undefined;
  const rebuildCounters = () => {
    rebuilding ??= rebuildFromPostgres().finally(() => {
      rebuilding = undefined;
    });
    return rebuilding;
  };
  const recovering = () =>
    new GatewayError({
      status: 503,
      kind: "server",
      message: `shared state recovering: Redis at ${link.address} lost its data (restarted without persistence?); the budget counters are being rebuilt from PostgreSQL, nothing was sent. Retry shortly.`,
      headers: { "retry-after": "1" },
    });
  const reader = createPostgresLedger(connection);
  // The relay counts the rows this replica logs; it starts right after the ledger exists.
  let relay: SpendRelay | undefined;
  const ledger: SharedLedger = createSharedLedger({
    redis: redisLedger,
    writer,
    reader,
    redisUp: link.up,
    redisFailed: link.failed,
    failOpen: engines.failOpen,
    unavailable: redisDown,
    recovering,
    stateLost: (error) => {
      if (!isLedgerStateLost(error)) return false;
      void rebuildCounters().catch(() => undefined);
      return true;
    },
    maxReplays: maxPending,
    onFailOpen: () => {
      counters.failOpen += 1;
      const now = Date.now();
      if (now - lastFailOpenLog >= 5000) {
        lastFailOpenLog = now;
        logger.log(
          "error",
          "serving requests WITHOUT budgets or rate limits: Redis is down and failOpen is on",
          { redis: link.address, failOpenRequests: counters.failOpen },
        );
      }
    },
    onLost: (what) => {
      counters.lost += 1;
      logger.log("error", "spend could not be kept", { what });
    },
    onLogged: () => relay?.appended(),
  });
  relay = startSpendRelay({
    client: link.client,
    outbox: redisSpendOutbox({ client: link.client, prefix: `${prefix}ledger:` }),
    writer,
    lockKey: `${prefix}gateway:relay-lock`,
    onError: (error) => {
      if (!link.failed(error)) {
        logger.log("error", "spend relay failed", { error: scrub(messageOf(error)) });
      }
    },
  });

  /**
   * Sets Redis's spend counters from PostgreSQL's rows after Redis lost its data, under a
   * Redis lock so one replica does it, and the epoch key last: until then no money moves (paid
   * requests get 503 recovering). This replica's writer is flushed first, so rows it wrote
   * straight to PostgreSQL while Redis could not take them are counted, and its charges waiting
   * for Redis are dropped (their rows are counted). Lost for good: rows settled in Redis and
   * not yet relayed when its data went (run Redis with persistence).
   */
  const rebuildFromPostgres = async (): Promise<void> => {
    const { client } = link;
    const lockKey = `${ledgerPrefix}rebuild-lock`;
    const token = randomUUID();
    for (const giveUpAt = Date.now() + 60_000; ; ) {
      if ((await client.exists(epochKey)) === 1) return;
      if ((await client.set(lockKey, token, "PX", 30_000, "NX")) === "OK") break;
      if (Date.now() > giveUpAt) throw new Error("another replica held the rebuild lock for 60 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      if ((await client.exists(epochKey)) === 1) return;
      const flushed = await writer.flush();
      if (flushed.error !== undefined) throw flushed.error;
      const counted = ledger.clearReplays();
      const spent = await spentByScope(pool, engines.postgresSchema);
      await restoreRedisLedger({ client, prefix: ledgerPrefix, epochKey, spent });
      counters.rebuilt += 1;
      logger.log("warn", "Redis had lost its data: budget counters rebuilt from PostgreSQL", {
        redis: link.address,
        scopes: spent.length,
        chargesCountedFromRows: counted,
      });
    } catch (error) {
      logger.log("error", "budget counters could not be rebuilt from PostgreSQL; retrying", {
        error: scrub(messageOf(error)),
      });
      throw error;
    } finally {
      await client.eval(RELEASE_LOCK, 1, lockKey, token).catch(() => undefined);
    }
  };
  // A Redis that never had the epoch: one holding ledger data (an older tokenwise) gets it at
  // once; an empty one (new, or emptied while no replica ran) gets its counters first.
  if ((await link.client.exists(epochKey)) === 0) {
    if (await redisLedgerHasData({ client: link.client, prefix: ledgerPrefix })) {
      await link.client.set(epochKey, randomUUID(), "NX");
    } else {
      await rebuildCounters();
    }
  }

  const registry = lastKnownRegistry(options.registry ?? (ownedRegistry as KeyRegistry), {
    unavailable: registryDown,
  });
  // A change another replica announces must not come back from the fallback either.
  invalidation?.subscribe((event) => {
    registry.forget(
      event.all === true ? "all" : { keyIds: event.keys ?? [], teams: event.teams ?? [] },
    );
  });
  const ownedLimiter =
    options.rateLimiter === undefined
      ? createRedisRateLimiter({ client: link.client, prefix: `${prefix}rate:` })
      : undefined;
  const rateLimiter = sharedRateLimiter(options.rateLimiter ?? (ownedLimiter as RateLimiter), {
    link,
    failOpen: engines.failOpen,
    unavailable: redisDown,
  });
  const ownedStore =
    options.cacheStore === undefined
      ? createRedisStore({ client: link.client, prefix: `${prefix}kv:` })
      : undefined;
  const cacheStore = options.cacheStore === false ? undefined : (options.cacheStore ?? ownedStore);

  // PostgreSQL health: a probe each second, and every failed write of the spend writer.
  let postgresUp = true;
  let lastWriteErrorAt: number | undefined;
  let seenFailedFlushes = 0;
  let probing = false;
  const probe = () => {
    if (probing) return;
    probing = true;
    pool
      .query("SELECT 1")
      .then(
        () => {
          if (!postgresUp)
            logger.log("warn", "PostgreSQL answers again", { postgres: postgresAddress });
          postgresUp = true;
        },
        (error: unknown) => {
          if (postgresUp) {
            logger.log(
              "error",
              "PostgreSQL did not answer: serving from Redis; spend rows wait in Redis until it is back",
              { postgres: postgresAddress, error: scrub(messageOf(error)) },
            );
          }
          postgresUp = false;
        },
      )
      .finally(() => {
        probing = false;
      });
  };
  let ticks = 0;
  const monitor = setInterval(() => {
    ticks += 1;
    if (ticks % 4 === 0) probe();
    const stats = writer.stats();
    if (stats.failedFlushes > seenFailedFlushes) {
      seenFailedFlushes = stats.failedFlushes;
      lastWriteErrorAt = Date.now();
    }
    if (link.up() && ledger.pendingReplays() > 0) void ledger.replay();
  }, 250);
  monitor.unref();
  link.onChange((up) => {
    if (up) {
      logger.log("warn", "Redis answers again", {
        redis: link.address,
        chargesWaiting: ledger.pendingReplays(),
      });
      void ledger.replay();
    } else {
      logger.log(
        "error",
        engines.failOpen
          ? "Redis did not answer: serving paid requests WITHOUT budgets or rate limits (failOpen)"
          : "Redis did not answer: refusing paid requests with 503 until it is back (fail closed)",
        { redis: link.address, error: scrub(link.lastError() ?? "") },
      );
    }
  });

  const pendingRows = (stats: SpendWriterStats = writer.stats()) =>
    relay.pending() + Math.max(0, stats.buffered - relay.unconfirmed());
  /** The reason paid requests are refused now, without counting it. */
  const refusalNow = (): { reason: "redis" | "backlog"; error: GatewayError } | undefined => {
    if (!link.up()) {
      if (!engines.failOpen) return { reason: "redis", error: redisDown() };
    } else if (rebuilding !== undefined) {
      return { reason: "redis", error: recovering() };
    } else if (ledger.pendingReplays() > 0) {
      // Charges made while Redis was down go in before any new reservation is checked.
      return {
        reason: "redis",
        error: new GatewayError({
          status: 503,
          kind: "server",
          message: `shared state recovering: applying ${ledger.pendingReplays()} charges made while Redis at ${link.address} was down; nothing was sent. Retry shortly.`,
          headers: { "retry-after": "1" },
        }),
      };
    }
    if (ledger.pendingReplays() >= maxPending) {
      return { reason: "redis", error: redisDown() };
    }
    const pending = pendingRows();
    if (pending >= maxPending) {
      return {
        reason: "backlog",
        error: new GatewayError({
          status: 503,
          kind: "server",
          message: `spend ledger backlog full: ${pending} spend rows are waiting for PostgreSQL at ${postgresAddress} (at most ${maxPending}); nothing was sent. Retry once it has caught up.`,
          headers: { "retry-after": "5" },
        }),
      };
    }
    return undefined;
  };

  const health = (): GatewayHealth => {
    const stats = writer.stats();
    const refusal = refusalNow();
    const problems: string[] = [];
    if (!link.up()) {
      problems.push(
        engines.failOpen
          ? `Redis at ${link.address} does not answer: serving WITHOUT budgets (failOpen)`
          : `Redis at ${link.address} does not answer: paid requests are refused`,
      );
    }
    if (!postgresUp || stats.lastError !== undefined) {
      problems.push(`PostgreSQL at ${postgresAddress} does not answer: spend rows are waiting`);
    }
    if (refusal?.reason === "backlog") problems.push(refusal.error.message);
    if (rebuilding !== undefined) {
      problems.push(
        `Redis at ${link.address} lost its data: the budget counters are being rebuilt from PostgreSQL`,
      );
    }
    if (ledger.pendingReplays() > 0) {
      problems.push(`${ledger.pendingReplays()} charges wait to be applied to Redis`);
    }
    const downSince = link.downSince();
    return {
      status: refusal !== undefined ? "unavailable" : problems.length > 0 ? "degraded" : "ok",
      engine: "shared",
      problems,
      redis: {
        address: link.address,
        up: link.up(),
        ...(downSince !== undefined ? { downForSeconds: (Date.now() - downSince) / 1000 } : {}),
        failOpen: engines.failOpen,
        failOpenRequests: counters.failOpen,
        chargesWaiting: ledger.pendingReplays(),
        rebuildingCounters: rebuilding !== undefined,
        countersRebuilt: counters.rebuilt,
      },
      postgres: {
        address: postgresAddress,
        schema: engines.postgresSchema,
        up: postgresUp && stats.lastError === undefined,
        keyLookupsFromMemory: registry.fallbacks(),
        spendRows: {
          pending: pendingRows(stats),
          maxPending,
          buffered: stats.buffered,
          written: stats.written,
          duplicates: stats.duplicates,
          refused: stats.refused,
          failedFlushes: stats.failedFlushes,
          ...(stats.lastError !== undefined ? { lastError: scrub(stats.lastError) } : {}),
          ...(lastWriteErrorAt !== undefined
            ? { lastErrorAgeSeconds: (Date.now() - lastWriteErrorAt) / 1000 }
            : {}),
        },
      },
    };
  };

  let closed = false;
  return {
    engines,
    description: describeEngines(engines),
    ledger,
    cacheStore,
    registry,
    rateLimiter,
    refusal() {
      const refusal = refusalNow();
      if (refusal === undefined) return undefined;
      if (refusal.reason === "redis") counters.refusedRedis += 1;
      else counters.refusedBacklog += 1;
      return refusal.error;
    },
    health,
    registerMetrics(registry) {
      registerSharedMetrics(registry, {
        health,
        writer: () => writer.stats(),
        counters,
        lastWriteErrorAt: () => lastWriteErrorAt,
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(monitor);
      // Settles sent without waiting get their answers (a failed one joins the replays) first.
      await ledger.settling();
      await ledger.replay().catch(() => undefined);
      await relay.close({ flush: link.up() });
      try {
        await writer.close();
      } catch (error) {
        logger.log("error", "spend rows could not be written before closing", {
          error: scrub(messageOf(error)),
        });
      }
      if (ledger.pendingReplays() > 0) {
        logger.log("error", "charges made while Redis was down could not be applied to it", {
          charges: ledger.pendingReplays(),
        });
      }
      await ownedRegistry?.close();
      await ownedLimiter?.close();
      await ownedStore?.close?.();
      await redisLedger.close();
      await reader.close();
      await pool.end().catch(() => undefined);
      await link.close();
    },
  };
}

async function openRegistry(
  options: OpenGatewayStateOptions,
  connections: SharedConnections,
): Promise<KeyRegistry> {
  if (options.openRegistry !== undefined) return options.openRegistry(connections);
  return createPostgresKeyRegistry({
    pool: connections.pool,
    schema: connections.schema,
    migrate: false,
  });
}

/**
 * The Redis rate limiter, refusing with 503 (or, with failOpen, letting the request through
 * unlimited) while Redis does not answer.
 */
function sharedRateLimiter(
  inner: RateLimiter,
  options: { link: RedisLink; failOpen: boolean; unavailable: () => GatewayError },
): RateLimiter {
  const down = () => {
    if (options.failOpen) return { allowed: true };
    throw options.unavailable();
  };
  return {
    async take(key, tokens) {
      if (key.rpm === undefined && key.tpm === undefined) return { allowed: true };
      if (!options.link.up()) return down();
      try {
        return await inner.take(key, tokens);
      } catch (error) {
        if (!options.link.failed(error)) throw error;
        return down();
      }
    },
    close: () => inner.close(),
  };
}

function registerSharedMetrics(
  registry: Registry,
  source: {
    health: () => GatewayHealth;
    writer: () => SpendWriterStats;
    counters: { failOpen: number; lost: number; refusedRedis: number; refusedBacklog: number };
    lastWriteErrorAt: () => number | undefined;
  },
): void {
  const registers = [registry];
  new Gauge({
    name: "tokenwise_gateway_shared_state_up",
    help: "1 while the engine answers, 0 while it does not.",
    labelNames: ["engine"],
    registers,
    collect() {
      const health = source.health();
      this.set({ engine: "redis" }, health.redis?.up === true ? 1 : 0);
      this.set({ engine: "postgres" }, health.postgres?.up === true ? 1 : 0);
    },
  });
  new Gauge({
    name: "tokenwise_gateway_spend_rows_pending",
    help: "Spend rows not in PostgreSQL yet (waiting in Redis, plus this replica's buffer).",
    registers,
    collect() {
      this.set(source.health().postgres?.spendRows.pending ?? 0);
    },
  });
  new Gauge({
    name: "tokenwise_gateway_spend_rows_buffered",
    help: "Spend rows in this replica's writer buffer now.",
    registers,
    collect() {
      this.set(source.writer().buffered);
    },
  });
  new Gauge({
    name: "tokenwise_gateway_spend_writer_last_error_age_seconds",
    help: "Seconds since a write of spend rows to PostgreSQL last failed (-1: none since start).",
    registers,
    collect() {
      const at = source.lastWriteErrorAt();
      this.set(at === undefined ? -1 : (Date.now() - at) / 1000);
    },
  });
  const totals: Array<[string, string, () => number]> = [
    [
      "tokenwise_gateway_spend_rows_written_total",
      "Spend rows this replica wrote to PostgreSQL.",
      () => source.writer().written,
    ],
    [
      "tokenwise_gateway_spend_rows_duplicates_total",
      "Spend rows PostgreSQL already had (same request id): kept once.",
      () => source.writer().duplicates,
    ],
    [
      "tokenwise_gateway_spend_rows_refused_total",
      "Spend rows this replica's writer refused because its buffer was full.",
      () => source.writer().refused,
    ],
    [
      "tokenwise_gateway_spend_writer_failed_flushes_total",
      "Writes of spend rows to PostgreSQL that failed (the rows were kept and retried).",
      () => source.writer().failedFlushes,
    ],
    [
      "tokenwise_gateway_fail_open_requests_total",
      "Reservations granted WITHOUT budgets because Redis was down and failOpen is on.",
      () => source.counters.failOpen,
    ],
    [
      "tokenwise_gateway_spend_lost_total",
      "Spend rows or charges that could not be kept (should stay 0).",
      () => source.counters.lost,
    ],
  ];
  for (const [name, help, read] of totals) {
    let seen = 0;
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = read();
        if (now > seen) this.inc(now - seen);
        seen = now;
      },
    });
  }
  let seenRedis = 0;
  let seenBacklog = 0;
  new Counter({
    name: "tokenwise_gateway_shared_state_refusals_total",
    help: "Paid requests refused with 503 because shared state was unavailable, by reason.",
    labelNames: ["reason"],
    registers,
    collect() {
      const { refusedRedis, refusedBacklog } = source.counters;
      if (refusedRedis > seenRedis) this.inc({ reason: "redis_down" }, refusedRedis - seenRedis);
      if (refusedBacklog > seenBacklog) {
        this.inc({ reason: "spend_backlog_full" }, refusedBacklog - seenBacklog);
      }
      seenRedis = refusedRedis;
      seenBacklog = refusedBacklog;
    },
  });
}

/** A pool that notices a dead or hung server: connections and queries time out. */
function openPool(url: string): pg.Pool {
  const driver = requireOptional<typeof pg>(OPTIONAL_DEPENDENCIES.pg);
  const pool = new driver.Pool({
    connectionString: url,
    connectionTimeoutMillis: 5000,
    query_timeout: 15_000,
    max: 10,
  });
  // An idle connection whose server went away is reported here; the next query fails instead.
  pool.on("error", () => undefined);
  return pool;
}

function passwordOf(url: string): string[] {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === "" ? [] : [password];
  } catch {
    return [];
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
