/**
 * Shared PostgreSQL plumbing for the PostgreSQL engines: adopting or opening a `pg` pool, the
 * schema every table lives in, and applying the shipped migrations once before first use.
 */
import type pg from "pg";
import { invalidInput, OPTIONAL_DEPENDENCIES, requireOptional } from "../../core/errors/index.js";
import type { MigrationReport } from "./migrations/migration-files.js";
import { migratePostgres } from "./migrations/postgres-migrator.js";
import { assertSqlIdentifier } from "./sqlite-database.js";

export interface PostgresConnectionOptions {
  /** A `pg` pool to use; the caller keeps ownership, ends it and handles its "error" events. */
  pool?: pg.Pool;
  /** A `postgres://` URL to connect to; the engine owns that pool and ends it on close. */
  url?: string;
  /** The schema holding tokenwise's tables (default "tokenwise"); created if missing. */
  schema?: string;
  /**
   * Apply pending migrations before the first operation (default true), under an advisory lock
   * so replicas starting together apply each one once. Turn it off when a deploy step runs
   * `tokenwise db migrate` instead.
   */
  migrate?: boolean;
}

export interface PostgresConnection {
  pool: pg.Pool;
  /** True when this module opened the pool, so closing the engine must end it. */
  owned: boolean;
  /** The schema, double-quoted for splicing into SQL (it is validated as an identifier). */
  schema: string;
  /**
   * Resolves once the schema is migrated (at once when `migrate` is false). A failure (say,
   * the server is down) is not remembered: the next call tries again.
   */
  ready: () => Promise<void>;
}

/** Something that runs a query: a pool, or a client inside a transaction. */
export interface PostgresQueryable {
  query<Row extends object>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

/** The default schema of every PostgreSQL engine. */
export const DEFAULT_POSTGRES_SCHEMA = "tokenwise";

/**
 * Adopts `pool` or connects to `url` (exactly one), with migrations applied lazily.
 *
 * @example
 * ```ts
 * const { pool, schema, ready } = openPostgresConnection({ url: "postgres://127.0.0.1/app" });
 * await ready();
 * await pool.query(`SELECT count(*) FROM ${schema}.tokenwise_kv`);
 * ```
 */
export function openPostgresConnection(options: PostgresConnectionOptions): PostgresConnection {
  if ((options.pool === undefined) === (options.url === undefined)) {
    throw invalidInput("pool", "or url must be given (exactly one of them)");
  }
  const schemaName = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
  assertSqlIdentifier(schemaName, "schema");
  const pool = options.pool ?? openPostgresPool(options.url);
  const migrate = options.migrate ?? true;
  let migrated: Promise<MigrationReport> | undefined;
  return {
    pool,
    owned: options.pool === undefined,
    schema: `"${schemaName}"`,
    ready: async () => {
      if (!migrate) return;
      migrated ??= migratePostgres({ pool, schema: schemaName }).catch((error: unknown) => {
        migrated = undefined;
        throw error;
      });
      await migrated;
    },
  };
}

/**
 * Opens a pool for a `postgres://` URL, with the "error" listener every owned pool needs.
 * `field` names the option in the error for a bad URL, which never echoes the URL itself.
 *
 * @example
 * ```ts
 * const pool = openPostgresPool(process.env.TOKENWISE_POSTGRES_URL, "TOKENWISE_POSTGRES_URL");
 * ```
 */
export function openPostgresPool(url: unknown, field = "url"): pg.Pool {
  if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
    // The URL may hold a password: never echo it.
    throw invalidInput(field, 'must start with "postgres://" or "postgresql://"');
  }
  const driver = requireOptional<typeof pg>(OPTIONAL_DEPENDENCIES.pg);
  const pool = new driver.Pool({ connectionString: url });
  // An idle connection whose server went away is reported here; without a listener Node would
  // crash the process. The next query on the pool fails with the real reason instead.
  pool.on("error", () => undefined);
  return pool;
}

/** Deadlock and serialization failures: the transaction was rolled back and can run again. */
const RETRYABLE_STATES = new Set(["40P01", "40001"]);
const TRANSACTION_ATTEMPTS = 5;

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK
 * when it throws. A transaction PostgreSQL aborted as a deadlock victim runs again (up to five
 * times), so `work` must do nothing outside the database that cannot be repeated.
 *
 * @example
 * ```ts
 * await withPostgresTransaction(pool, async (client) => {
 *   await client.query("UPDATE totals SET spent = spent + $1 WHERE scope = $2", [cost, scope]);
 * });
 * ```
 */
export async function withPostgresTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackFailure) {
        broken = rollbackFailure instanceof Error ? rollbackFailure : new Error("ROLLBACK failed");
      }
      const state = (error as { code?: unknown }).code;
      const retryable = typeof state === "string" && RETRYABLE_STATES.has(state);
      if (!retryable || attempt >= TRANSACTION_ATTEMPTS) throw error;
    } finally {
      // A connection that could not even roll back is not handed to the next caller.
      client.release(broken);
    }
  }
}
