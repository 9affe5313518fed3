/**
 * Applies PostgreSQL migrations under a session advisory lock, so replicas starting together
 * (or a replica and `tokenwise db migrate`) apply each migration exactly once. Each migration
 * runs in its own transaction with its bookkeeping row: it is applied whole or not at all.
 */
import type pg from "pg";
import { TokenwiseError } from "../../../core/errors/index.js";
import { assertSqlIdentifier } from "../sqlite-database.js";
import { storeFailure } from "../store-input.js";
import {
  label,
  type Migration,
  type MigrationReport,
  shippedMigrations,
} from "./migration-files.js";

export interface PostgresMigrateOptions {
  pool: pg.Pool;
  /** The schema to migrate (created if missing); its migrations table lives in it. */
  schema: string;
  /** What to apply (default: the migrations shipped with tokenwise). */
  migrations?: readonly Migration[];
}

/** The first key of the two-key advisory lock ("tknw"); the second is the schema's hash. */
const LOCK_NAMESPACE = 0x746b6e77;

/**
 * Brings `schema` up to date.
 *
 * @example
 * ```ts
 * const report = await migratePostgres({ pool, schema: "tokenwise" });
 * report.applied; // ["0001_key_value", "0002_ledger"] the first time, [] after
 * ```
 */
export async function migratePostgres(options: PostgresMigrateOptions): Promise<MigrationReport> {
  assertSqlIdentifier(options.schema, "schema");
  const migrations = options.migrations ?? shippedMigrations("postgres");
  const schema = `"${options.schema}"`;
  let client: pg.PoolClient;
  try {
    client = await options.pool.connect();
  } catch (cause) {
    throw storeFailure(`Migrating PostgreSQL schema ${schema}`, cause);
  }
  let broken: Error | undefined;
  try {
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [
      LOCK_NAMESPACE,
      options.schema,
    ]);
    try {
      return await applyPending(client, schema, migrations);
    } finally {
      // If unlocking fails the connection is broken; destroying it ends the session's lock.
      await client
        .query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_NAMESPACE, options.schema])
        .catch((error: unknown) => {
          broken = error instanceof Error ? error : new Error(String(error));
        });
    }
  } catch (cause) {
    if (!TokenwiseError.isInstance(cause)) {
      broken = cause instanceof Error ? cause : new Error(String(cause));
    }
    throw storeFailure(`Migrating PostgreSQL schema ${schema}`, cause);
  } finally {
    // A connection that failed outside a migration may be unusable: do not pool it again.
    client.release(broken);
  }
}

async function applyPending(
  client: pg.PoolClient,
  schema: string,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${schema}.tokenwise_migrations (
       version integer PRIMARY KEY,
       name text NOT NULL,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
  );
  const { rows } = await client.query<{ version: number; checksum: string }>(
    `SELECT version, checksum FROM ${schema}.tokenwise_migrations`,
  );
  const appliedChecksums = new Map(rows.map((row) => [row.version, row.checksum]));
  const applied: string[] = [];
  for (const entry of migrations) {
    const checksum = appliedChecksums.get(entry.version);
    if (checksum !== undefined) {
      if (checksum !== entry.checksum) {
        throw new TokenwiseError(
          "store_error",
          `Migration ${label(entry)} differs from the one applied to schema ${schema}; ` +
            "released migrations must never change: add a new numbered migration instead",
          { details: { version: entry.version } },
        );
      }
      continue;
    }
    await applyOne(client, schema, entry);
    applied.push(label(entry));
  }
  const versions = [...appliedChecksums.keys(), ...migrations.map((entry) => entry.version)];
  return { applied, version: Math.max(0, ...versions) };
}

async function applyOne(client: pg.PoolClient, schema: string, entry: Migration): Promise<void> {
  await client.query("BEGIN");
  try {
    // Migrations name their tables unqualified; they land in the schema being migrated.
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(entry.sql);
    await client.query(
      `INSERT INTO ${schema}.tokenwise_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
      [entry.version, entry.name, entry.checksum],
    );
    await client.query("COMMIT");
  } catch (cause) {
    await client.query("ROLLBACK");
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TokenwiseError(
      "store_error",
      `Migration ${label(entry)} failed and was rolled back (schema ${schema} is unchanged by it): ${reason}`,
      { cause, details: { version: entry.version } },
    );
  }
}
