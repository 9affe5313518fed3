/**
 * Applies SQLite migrations: each in its own `BEGIN IMMEDIATE` transaction, which takes the
 * file's write lock before reading `PRAGMA user_version`, so processes opening the same file
 * together apply each migration exactly once. The version lives in the file header and commits
 * or rolls back with the migration's own statements.
 */
import { TokenwiseError } from "../../../core/errors/index.js";
import type { SqliteDatabase } from "../sqlite-database.js";
import { storeFailure } from "../store-input.js";
import {
  label,
  type Migration,
  type MigrationReport,
  shippedMigrations,
} from "./migration-files.js";

export interface SqliteMigrateOptions {
  database: SqliteDatabase;
  /** What to apply (default: the migrations shipped with tokenwise). */
  migrations?: readonly Migration[];
}

/**
 * Brings the database file up to date.
 *
 * @example
 * ```ts
 * const { database } = openSqliteConnection({ path: ".tokenwise/tokenwise.db" });
 * migrateSqlite({ database }).applied; // ["0001_key_value", ...] the first time, [] after
 * ```
 */
export function migrateSqlite(options: SqliteMigrateOptions): MigrationReport {
  const { database } = options;
  const migrations = options.migrations ?? shippedMigrations("sqlite");
  const applied: string[] = [];
  for (const entry of migrations) {
    try {
      database.exec("BEGIN IMMEDIATE");
    } catch (cause) {
      throw storeFailure("Migrating SQLite database", cause);
    }
    try {
      if (currentVersion(database) < entry.version) {
        database.exec(entry.sql);
        database.pragma(`user_version = ${entry.version}`);
        applied.push(label(entry));
      }
      database.exec("COMMIT");
    } catch (cause) {
      if (database.inTransaction) database.exec("ROLLBACK");
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new TokenwiseError(
        "store_error",
        `Migration ${label(entry)} failed and was rolled back (the file is unchanged by it): ${reason}`,
        { cause, details: { version: entry.version } },
      );
    }
  }
  const last = migrations.at(-1)?.version ?? 0;
  return { applied, version: Math.max(currentVersion(database), last) };
}

function currentVersion(database: SqliteDatabase): number {
  return database.pragma("user_version", { simple: true }) as number;
}
