/**
 * Opens the ledger a `--ledger` flag names: a data directory or SQLite file, a `redis://` URL,
 * or a `postgres://` URL.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  createPostgresLedger,
  createRedisLedger,
  createSqliteLedger,
  type Ledger,
} from "../../adapters/ledger/index.js";
import { DATABASE_FILE, resolveDataDir } from "../../adapters/stores/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";

export interface OpenLedgerOptions {
  /**
   * A data directory (its `tokenwise.db` is used), a SQLite file, `redis://…` / `rediss://…`,
   * or `postgres://…`. Default: the data directory (`TOKENWISE_DATA_DIR` or `.tokenwise`).
   */
  location?: string;
  /** Redis key prefix of the ledger (default "tokenwise:ledger:"). */
  redisPrefix?: string;
  /** PostgreSQL schema of the ledger (default "tokenwise"). */
  postgresSchema?: string;
  /** SQLite table prefix of the ledger (default "tokenwise_ledger"). */
  tablePrefix?: string;
  /** Directory relative paths resolve against (default `process.cwd()`). */
  cwd?: string;
}

/**
 * @example
 * ```ts
 * const ledger = openLedger({ location: "redis://127.0.0.1:6379" });
 * const report = await buildSpendReport({ ledger });
 * await ledger.close();
 * ```
 */
export function openLedger(options: OpenLedgerOptions = {}): Ledger {
  const location = options.location ?? resolveDataDir({ cwd: options.cwd });
  if (/^rediss?:\/\//i.test(location)) {
    return createRedisLedger({ url: location, prefix: options.redisPrefix });
  }
  if (/^postgres(ql)?:\/\//i.test(location)) {
    return createPostgresLedger({
      url: location,
      ...(options.postgresSchema !== undefined ? { schema: options.postgresSchema } : {}),
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw invalidInput(
      "ledger",
      `must be a data directory, a SQLite file, a redis:// or a postgres:// URL, got "${location.split("://")[0]}://…"`,
    );
  }
  const path = resolve(options.cwd ?? process.cwd(), location);
  if (!existsSync(path)) {
    throw new TokenwiseError(
      "not_found",
      `ledger: nothing at ${path}; pass --ledger with a data directory or SQLite file that a tokenwise ledger writes`,
      { details: { field: "ledger", path } },
    );
  }
  const file = statSync(path).isDirectory() ? join(path, DATABASE_FILE) : path;
  if (!existsSync(file)) {
    throw new TokenwiseError(
      "not_found",
      `ledger: ${path} has no ${DATABASE_FILE}; pass the data directory a tokenwise ledger writes to`,
      { details: { field: "ledger", path: file } },
    );
  }
  return createSqliteLedger({ path: file, tablePrefix: options.tablePrefix });
}
