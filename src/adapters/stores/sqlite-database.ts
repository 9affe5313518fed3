/**
 * Opening SQLite the way every tokenwise SQLite engine needs it: one file, WAL journal (readers
 * never block the writer), a busy timeout so concurrent writers queue instead of failing.
 */
import type Database from "better-sqlite3";
import { invalidInput, OPTIONAL_DEPENDENCIES, requireOptional } from "../../core/errors/index.js";
import { storeFailure } from "./store-input.js";

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

export interface SqliteConnectionOptions {
  /** Path of the database file (created if missing). */
  path?: string;
  /**
   * An open connection to share instead of `path`; the caller keeps ownership, closes it, and
   * chooses its journal mode (WAL is recommended).
   */
  database?: SqliteDatabase;
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

export interface SqliteConnection {
  database: SqliteDatabase;
  /** True when this module opened the connection, so closing the engine must close it. */
  owned: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Opens (or adopts) a connection with WAL and a busy timeout.
 *
 * @example
 * ```ts
 * const { database } = openSqliteConnection({ path: "tokenwise.db" });
 * ```
 */
export function openSqliteConnection(options: SqliteConnectionOptions): SqliteConnection {
  if ((options.path === undefined) === (options.database === undefined)) {
    throw invalidInput("path", "or database must be given (exactly one of them)");
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw invalidInput("busyTimeoutMs", `must be a non-negative integer, got ${busyTimeoutMs}`);
  }
  if (options.database !== undefined) {
    // A shared connection keeps its owner's settings unless a timeout is asked for explicitly.
    if (options.busyTimeoutMs !== undefined)
      options.database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return { database: options.database, owned: false };
  }
  if (typeof options.path !== "string" || options.path.length === 0) {
    throw invalidInput("path", `must be a non-empty file path, got ${String(options.path)}`);
  }
  const Driver = requireOptional<typeof Database>(OPTIONAL_DEPENDENCIES["better-sqlite3"]);
  try {
    const database = new Driver(options.path, { timeout: busyTimeoutMs });
    database.pragma("journal_mode = WAL");
    // NORMAL is durable against application crashes in WAL mode and much faster than FULL.
    database.pragma("synchronous = NORMAL");
    return { database, owned: true };
  } catch (cause) {
    throw storeFailure(`Opening SQLite database ${options.path}`, cause);
  }
}

/**
 * Runs an engine's `CREATE ... IF NOT EXISTS` schema; on failure closes the connection if the
 * engine opened it, so a failed constructor leaks no file handle.
 *
 * @example
 * ```ts
 * createSqliteTables({ connection, schema: 'CREATE TABLE IF NOT EXISTS "kv" (...)', tables: "SQLite table kv" });
 * ```
 */
export function createSqliteTables(options: {
  connection: SqliteConnection;
  schema: string;
  /** What the schema creates, for the error message ("SQLite table tokenwise_kv"). */
  tables: string;
}): void {
  const { database, owned } = options.connection;
  try {
    database.exec(options.schema);
  } catch (cause) {
    if (owned) database.close();
    throw storeFailure(`Creating ${options.tables}`, cause);
  }
}

/**
 * Throws `invalid_input` unless `name` is safe to splice into SQL as a table name.
 *
 * @example
 * ```ts
 * assertSqlIdentifier("tokenwise_kv", "table"); // ok
 * ```
 */
export function assertSqlIdentifier(name: unknown, field: string): asserts name is string {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw invalidInput(
      field,
      `must be a letter or underscore followed by up to 62 letters, digits or underscores, got ${String(name)}`,
    );
  }
}
