/**
 * Which engines hold the gateway's state: the embedded SQLite file (the default), or Redis +
 * PostgreSQL shared by every replica. Each setting comes from a flag, else an environment
 * variable, else the config file, and every URL is checked without ever being echoed (it may
 * hold a password); {@link redactUrl} is the only form a URL is shown in.
 */
import { TokenwiseError } from "../../core/errors/index.js";
import { type GatewayConfig, urlProblem } from "./gateway-config.js";

/** The environment variables the gateway reads its engines from. */
export const REDIS_URL_ENV = "TOKENWISE_REDIS_URL";
export const POSTGRES_URL_ENV = "TOKENWISE_POSTGRES_URL";

/** Settings given on the command line: they win over the environment and the config. */
export interface EngineFlags {
  redis?: string;
  postgres?: string;
  postgresSchema?: string;
}

export type GatewayEngines =
  | { kind: "embedded" }
  | {
      kind: "shared";
      redisUrl: string;
      postgresUrl: string;
      postgresSchema: string;
      redisPrefix: string;
      failOpen: boolean;
      redisTimeoutMs: number;
      keyCacheTtlMs: number;
      maxPendingSpendRows: number;
    };

/**
 * Resolves the engines: flag > environment > config for each URL. Redis and PostgreSQL go
 * together (Redis holds the live counters, PostgreSQL the rows they come from); one without
 * the other is refused, naming where the one given came from and how to give the other.
 *
 * @example
 * ```ts
 * resolveGatewayEngines({ config, flags: { redis: "redis://127.0.0.1:6379" }, env: process.env });
 * // throws: "--redis is set but no PostgreSQL URL is: …"
 * ```
 */
export function resolveGatewayEngines(options: {
  config: GatewayConfig;
  flags?: EngineFlags;
  env?: NodeJS.ProcessEnv;
}): GatewayEngines {
  const { config } = options;
  const flags = options.flags ?? {};
  const env = options.env ?? process.env;
  const redis = pick(flags.redis, "--redis", env[REDIS_URL_ENV], REDIS_URL_ENV, config.state.redis);
  const postgres = pick(
    flags.postgres,
    "--postgres",
    env[POSTGRES_URL_ENV],
    POSTGRES_URL_ENV,
    config.state.postgres,
  );
  if (redis !== undefined) checkUrl(redis, ["redis", "rediss"]);
  if (postgres !== undefined) checkUrl(postgres, ["postgres", "postgresql"]);
  if (redis === undefined && postgres === undefined) return { kind: "embedded" };
  if (redis === undefined || postgres === undefined) {
    const given = (redis ?? postgres) as Picked;
    const missing =
      redis === undefined
        ? `a Redis URL (--redis, ${REDIS_URL_ENV} or "state.redis")`
        : `a PostgreSQL URL (--postgres, ${POSTGRES_URL_ENV} or "state.postgres")`;
    throw new TokenwiseError(
      "invalid_input",
      `${given.source} is set but ${missing} is not: replicas need both (Redis holds reservations, counters and rate limits; PostgreSQL holds keys, budgets and the spend ledger). Give both, or neither for the embedded SQLite file.`,
      { details: { field: given.source } },
    );
  }
  const schema = flags.postgresSchema ?? config.state.postgresSchema ?? "tokenwise";
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TokenwiseError(
      "invalid_input",
      `--postgres-schema must be a plain SQL name (letters, digits, _; not starting with a digit), got "${schema}"`,
      { details: { field: "--postgres-schema" } },
    );
  }
  return {
    kind: "shared",
    redisUrl: redis.value,
    postgresUrl: postgres.value,
    postgresSchema: schema,
    redisPrefix: config.state.redisPrefix,
    failOpen: config.state.failOpen,
    redisTimeoutMs: config.state.redisTimeoutMs,
    keyCacheTtlMs: config.state.keyCacheTtlMs,
    maxPendingSpendRows: config.state.maxPendingSpendRows,
  };
}

interface Picked {
  value: string;
  /** Where it came from: "--redis", "TOKENWISE_REDIS_URL" or "state.redis". */
  source: string;
}

function pick(
  flag: string | undefined,
  flagName: string,
  fromEnv: string | undefined,
  envName: string,
  fromConfig: string | undefined,
): Picked | undefined {
  if (flag !== undefined) return { value: flag, source: flagName };
  if (fromEnv !== undefined && fromEnv.trim() !== "") return { value: fromEnv, source: envName };
  if (fromConfig !== undefined) {
    return {
      value: fromConfig,
      source: `"state.${flagName === "--redis" ? "redis" : "postgres"}" in the config`,
    };
  }
  return undefined;
}

function checkUrl(picked: Picked, schemes: readonly string[]): void {
  const problem = urlProblem(picked.value, schemes);
  if (problem !== undefined) {
    throw new TokenwiseError("invalid_input", `${picked.source} ${problem}`, {
      details: { field: picked.source },
    });
  }
}

/**
 * A URL as it may be shown: its password replaced by `***`, its query (which may carry
 * credentials too) dropped.
 *
 * @example
 * ```ts
 * redactUrl("redis://:hunter2@cache:6379/0"); // "redis://:***@cache:6379/0"
 * ```
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(a URL that does not parse)";
  }
  if (parsed.password !== "") parsed.password = "***";
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString();
}

/**
 * `host:port` of a URL, for messages such as "Redis at cache:6379 did not answer".
 *
 * @example
 * ```ts
 * hostOf("postgres://app:secret@db.internal/app", 5432); // "db.internal:5432"
 * ```
 */
export function hostOf(url: string, defaultPort: number): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === "" ? defaultPort : parsed.port}`;
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * One line saying where the state lives, URLs redacted.
 *
 * @example
 * ```ts
 * describeEngines(engines); // "Redis at 127.0.0.1:6379 + PostgreSQL at db:5432 (schema tokenwise)"
 * ```
 */
export function describeEngines(engines: GatewayEngines, dataDir?: string): string {
  if (engines.kind === "embedded") {
    return dataDir === undefined ? "embedded SQLite" : `embedded SQLite in ${dataDir}`;
  }
  return `Redis at ${hostOf(engines.redisUrl, 6379)} + PostgreSQL at ${hostOf(engines.postgresUrl, 5432)} (schema ${engines.postgresSchema})${engines.failOpen ? ", failOpen: requests pass WITHOUT budgets while Redis is down" : ""}`;
}
