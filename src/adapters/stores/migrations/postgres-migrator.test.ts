import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  uniquePostgresSchema,
} from "../test-support/postgres-for-tests.js";
import { migration, shippedMigrations } from "./migration-files.js";
import { migratePostgres } from "./postgres-migrator.js";

// Each migration logs itself in a plain table: applied twice, it would log twice (or fail).
const logged = [
  migration({
    version: 1,
    name: "create_log",
    sql: "CREATE TABLE log (version integer NOT NULL); INSERT INTO log VALUES (1);",
  }),
  migration({
    version: 2,
    name: "slow_step",
    sql: "SELECT pg_sleep(0.2); CREATE TABLE second (id integer); INSERT INTO log VALUES (2);",
  }),
  migration({ version: 3, name: "third", sql: "INSERT INTO log VALUES (3);" }),
];

describeWithPostgres("migratePostgres", () => {
  const pool = newPostgresPool(8);
  let schema: string;

  beforeEach(() => {
    schema = uniquePostgresSchema("migrate");
  });

  afterEach(async () => {
    await dropPostgresSchema(pool, schema);
  });

  afterAll(async () => {
    await pool.end();
  });

  const logRows = async () =>
    (await pool.query<{ version: number }>(`SELECT version FROM "${schema}".log ORDER BY version`))
      .rows;

  it("applies each migration once when several migrators start together", async () => {
    const pools = [newPostgresPool(1), newPostgresPool(1), newPostgresPool(1)];
    const reports = await Promise.all(
      pools.map((each) => migratePostgres({ pool: each, schema, migrations: logged })),
    );
    await Promise.all(pools.map((each) => each.end()));
    expect(reports.flatMap((report) => report.applied).sort()).toEqual([
      "0001_create_log",
      "0002_slow_step",
      "0003_third",
    ]);
    expect(reports.every((report) => report.version === 3)).toBe(true);
    expect(await logRows()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    const again = await migratePostgres({ pool, schema, migrations: logged });
    expect(again).toEqual({ applied: [], version: 3 });
  });

  it("rolls a failed migration back whole, keeps the ones before it, and resumes after a fix", async () => {
    const broken = migration({
      version: 2,
      name: "slow_step",
      sql: "CREATE TABLE second (id integer); INSERT INTO log VALUES (2); SELECT 1 / 0;",
    });
    await expect(
      migratePostgres({ pool, schema, migrations: [logged[0], broken] as typeof logged }),
    ).rejects.toMatchObject({
      code: "store_error",
      message: expect.stringMatching(/Migration 0002_slow_step failed and was rolled back.*zero/),
    });
    expect(await logRows()).toEqual([{ version: 1 }]);
    const second = await pool.query("SELECT to_regclass($1) AS found", [`"${schema}".second`]);
    expect(second.rows[0].found).toBeNull();
    const resumed = await migratePostgres({ pool, schema, migrations: logged });
    expect(resumed.applied).toEqual(["0002_slow_step", "0003_third"]);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    await migratePostgres({ pool, schema, migrations: logged.slice(0, 1) });
    const edited = migration({ ...logged[0], sql: "CREATE TABLE log (changed text);" } as never);
    await expect(migratePostgres({ pool, schema, migrations: [edited] })).rejects.toMatchObject({
      code: "store_error",
      message: expect.stringContaining("0001_create_log differs from the one applied"),
    });
  });

  it("leaves a schema migrated by a newer release alone", async () => {
    await migratePostgres({ pool, schema, migrations: logged });
    const older = await migratePostgres({ pool, schema, migrations: logged.slice(0, 2) });
    expect(older).toEqual({ applied: [], version: 3 });
  });

  it("applies the shipped migrations into the schema, not into public", async () => {
    const report = await migratePostgres({ pool, schema });
    expect(report.applied).toEqual(
      shippedMigrations("postgres").map(
        (entry) => `${String(entry.version).padStart(4, "0")}_${entry.name}`,
      ),
    );
    const { rows } = await pool.query<{ schemaname: string }>(
      "SELECT schemaname FROM pg_tables WHERE tablename = 'tokenwise_kv' AND schemaname = $1",
      [schema],
    );
    expect(rows).toEqual([{ schemaname: schema }]);
  });
});

describe("migratePostgres input", () => {
  it("rejects a schema name that is not a plain identifier before connecting", async () => {
    const pool = newPostgresPool(1);
    await expect(
      migratePostgres({ pool, schema: "public; DROP TABLE x", migrations: [] }),
    ).rejects.toMatchObject({ code: "invalid_input", details: { field: "schema" } });
    await pool.end();
  });
});
