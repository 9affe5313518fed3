import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSqliteLedger } from "../../ledger/index.js";
import { compileForNode } from "../../ledger/test-support/compile-for-node.js";
import { startWorker } from "../../ledger/test-support/worker-process.js";
import { createSqliteStore } from "../sqlite-store.js";
import { migration, shippedMigrations } from "./migration-files.js";
import { migrateSqlite } from "./sqlite-migrator.js";
import type { MigrateJob, MigrateReport } from "./test-support/sqlite-migrate-worker.js";

// The first step is slow (100,000 rows), so racing migrators overlap inside it.
const logged = [
  migration({
    version: 1,
    name: "create_log",
    sql: `CREATE TABLE log (version INTEGER NOT NULL);
      CREATE TABLE filler (n INTEGER);
      WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 100000)
      INSERT INTO filler SELECT n FROM counter;
      INSERT INTO log VALUES (1);`,
  }),
  migration({ version: 2, name: "second", sql: "INSERT INTO log VALUES (2);" }),
];

describe("migrateSqlite", () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-migrate-"));
    path = join(directory, "tokenwise.db");
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("applies pending migrations in order, records user_version, and is idempotent", () => {
    const database = new Database(path);
    expect(migrateSqlite({ database, migrations: logged })).toEqual({
      applied: ["0001_create_log", "0002_second"],
      version: 2,
    });
    expect(database.pragma("user_version", { simple: true })).toBe(2);
    expect(migrateSqlite({ database, migrations: logged })).toEqual({ applied: [], version: 2 });
    expect(database.prepare("SELECT version FROM log").pluck().all()).toEqual([1, 2]);
    database.close();
  });

  it("rolls a failed migration back whole, keeps the ones before it, and resumes after a fix", () => {
    const database = new Database(path);
    const broken = migration({
      version: 2,
      name: "second",
      sql: "CREATE TABLE second (id INTEGER); INSERT INTO log VALUES (2); INSERT INTO missing VALUES (1);",
    });
    expect(() =>
      migrateSqlite({ database, migrations: [logged[0], broken] as typeof logged }),
    ).toThrow(/Migration 0002_second failed and was rolled back.*no such table: missing/);
    expect(database.pragma("user_version", { simple: true })).toBe(1);
    expect(database.prepare("SELECT version FROM log").pluck().all()).toEqual([1]);
    expect(database.prepare("SELECT name FROM sqlite_master WHERE name = 'second'").all()).toEqual(
      [],
    );
    expect(database.inTransaction).toBe(false);
    expect(migrateSqlite({ database, migrations: logged }).applied).toEqual(["0002_second"]);
    database.close();
  });

  it("leaves a file migrated by a newer release alone", () => {
    const database = new Database(path);
    migrateSqlite({ database, migrations: logged });
    expect(migrateSqlite({ database, migrations: logged.slice(0, 1) })).toEqual({
      applied: [],
      version: 2,
    });
    database.close();
  });

  it("creates exactly the tables the default SQLite store and ledger create for themselves", async () => {
    const migrated = new Database(path);
    migrateSqlite({ database: migrated });
    const byEngines = new Database(join(directory, "engines.db"));
    await createSqliteStore({ database: byEngines }).close();
    await createSqliteLedger({ database: byEngines }).close();
    const schemaOf = (database: Database.Database) =>
      database
        .prepare<[], { name: string; sql: string }>(
          "SELECT name, sql FROM sqlite_master WHERE name LIKE 'tokenwise_%' ORDER BY name",
        )
        .all()
        .map((row) => ({ name: row.name, sql: row.sql.replace(/\s+/g, " ") }));
    expect(schemaOf(migrated)).toEqual(schemaOf(byEngines));
    expect(schemaOf(migrated).map((row) => row.name)).toContain("tokenwise_ledger_spend");
    const store = createSqliteStore({ database: migrated });
    await store.set("k", "v");
    expect(await store.get("k")).toBe("v");
    await store.close();
    const ledger = createSqliteLedger({ database: migrated });
    const { id } = await ledger.reserve({ scope: "s", amount: 5n, ttlMs: 60_000, limit: 10n });
    await ledger.settle(id, 4n);
    expect(await ledger.spent("s")).toBe(4n);
    await ledger.close();
    migrated.close();
    byEngines.close();
    expect(shippedMigrations("sqlite").map((entry) => entry.name)).toEqual([
      "key_value",
      "ledger",
      "ledger_holds_index",
    ]);
  });
});

describe("migrateSqlite across processes", () => {
  let compiled: { entry: string; directory: string };
  let directory: string;

  beforeAll(() => {
    compiled = compileForNode("adapters/stores/migrations/test-support/sqlite-migrate-worker.ts");
  });

  afterAll(() => {
    rmSync(compiled.directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-migrate-race-"));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /**
   * Starts `count` workers on `path`, then lets them all migrate at once; their reports. A
   * worker that fails or exits instead of answering rejects this with its error at once.
   */
  async function migrateTogether(path: string, count: number): Promise<MigrateReport[]> {
    const workers = Array.from({ length: count }, (_, index) =>
      startWorker(compiled.entry, `migrator ${index + 1}`),
    );
    try {
      const job: MigrateJob = { path, migrations: logged };
      await Promise.all(workers.map((worker) => worker.request(job)));
      return await Promise.all(workers.map((worker) => worker.request<MigrateReport>("go")));
    } finally {
      for (const worker of workers) worker.kill();
    }
  }

  it("applies each migration once when four processes migrate one file together", async () => {
    const path = join(directory, "tokenwise.db");
    const reports = await migrateTogether(path, 4);
    expect(reports.filter((report) => "error" in report)).toEqual([]);
    expect(reports.flatMap((report) => ("applied" in report ? report.applied : [])).sort()).toEqual(
      ["0001_create_log", "0002_second"],
    );
    const database = new Database(path);
    expect(database.prepare("SELECT version FROM log").pluck().all()).toEqual([1, 2]);
    database.close();
  });

  it("fails at once with the worker's error when a worker cannot open the file", async () => {
    const path = join(directory, "no-such-directory", "tokenwise.db");
    await expect(migrateTogether(path, 2)).rejects.toThrow(
      /Opening SQLite database .*no-such-directory/,
    );
  });
});
