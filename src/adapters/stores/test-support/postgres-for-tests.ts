/**
 * Finds the PostgreSQL the integration tests use and gives each test file its own schema. When
 * it does not answer, the PostgreSQL suites fail under CI (CI=true) with a clear message, and are
 * skipped only on a developer machine.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, it } from "vitest";

export const POSTGRES_TEST_URL =
  process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The URL without its credentials, for messages. */
function redactedUrl(): string {
  try {
    const url = new URL(POSTGRES_TEST_URL);
    url.password = "";
    return url.toString();
  } catch {
    return "POSTGRES_URL (unparseable)";
  }
}

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: POSTGRES_TEST_URL,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachableReason = await probe();
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";

/** A fresh pool for one test file; end it in cleanup. */
export function newPostgresPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: POSTGRES_TEST_URL, max });
  // An idle client whose server went away reports here; the next query reports it again.
  pool.on("error", () => undefined);
  return pool;
}

/** A schema name no other run or test shares (lower case, so it needs no quoting). */
export function uniquePostgresSchema(label: string): string {
  return `tokenwise_test_${label}_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** Drops a schema this test created, with everything in it. */
export async function dropPostgresSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * `describe` for suites that need PostgreSQL.
 *
 * @example
 * ```ts
 * describeWithPostgres("postgres store", () => { it("...", async () => {}); });
 * ```
 */
export function describeWithPostgres(name: string, suite: () => void): void {
  if (unreachableReason === undefined) {
    describe(name, suite);
  } else if (inCi) {
    describe(name, () => {
      it("needs PostgreSQL", () => {
        throw new Error(
          `PostgreSQL is not reachable at ${redactedUrl()} (${unreachableReason}). CI=true requires it: ` +
            "start the cluster on 127.0.0.1:5432 (pg_ctlcluster 15 main start) or set POSTGRES_URL.",
        );
      });
    });
  } else {
    describe.skip(
      `${name} (skipped: PostgreSQL not reachable at ${redactedUrl()}; CI would fail)`,
      suite,
    );
  }
}
