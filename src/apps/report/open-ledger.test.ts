import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresLedger, createSqliteLedger } from "../../adapters/ledger/index.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../../adapters/stores/test-support/postgres-for-tests.js";
import {
  describeWithRedis,
  REDIS_TEST_URL,
} from "../../adapters/stores/test-support/redis-for-tests.js";
import { emptyUsage } from "../../core/cost/index.js";
import { openLedger } from "./open-ledger.js";

describe("openLedger", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("opens a data directory's tokenwise.db and a SQLite file by path", async () => {
    dir = mkdtempSync(join(tmpdir(), "tokenwise-open-ledger-"));
    const writer = createSqliteLedger({ path: join(dir, "tokenwise.db") });
    await writer.record({ scope: "s", model: "m", provider: "p", usage: emptyUsage(), cost: 5n });
    await writer.close();
    for (const location of [dir, join(dir, "tokenwise.db")]) {
      const ledger = openLedger({ location });
      expect(await ledger.spent("s")).toBe(5n);
      await ledger.close();
    }
    const relative = openLedger({ location: "tokenwise.db", cwd: dir });
    expect((await relative.records()).length).toBe(1);
    await relative.close();
  });

  it("says clearly when there is no ledger at the path, or the URL is not a ledger", () => {
    const root = mkdtempSync(join(tmpdir(), "tokenwise-open-ledger-"));
    dir = root;
    mkdirSync(join(root, "empty"));
    expect(() => openLedger({ location: join(root, "missing") })).toThrow(/nothing at .*missing/);
    expect(() => openLedger({ location: join(root, "empty") })).toThrow(/has no tokenwise\.db/);
    expect(() => openLedger({ location: "mysql://db/ledger" })).toThrow(
      /must be a data directory, a SQLite file, a redis:\/\/ or a postgres:\/\/ URL/,
    );
  });
});

describeWithPostgres("openLedger on PostgreSQL", () => {
  it("opens a postgres:// URL and reads what a PostgreSQL ledger wrote", async () => {
    const schema = uniquePostgresSchema("open_ledger");
    const writer = createPostgresLedger({ url: POSTGRES_TEST_URL, schema });
    try {
      await writer.record({ scope: "s", model: "m", provider: "p", usage: emptyUsage(), cost: 7n });
      const ledger = openLedger({ location: POSTGRES_TEST_URL, postgresSchema: schema });
      expect(await ledger.spent("s")).toBe(7n);
      expect((await ledger.records()).map((record) => record.cost)).toEqual([7n]);
      await ledger.close();
    } finally {
      await writer.close();
      const pool = newPostgresPool(1);
      await dropPostgresSchema(pool, schema);
      await pool.end();
    }
  });
});

describeWithRedis("openLedger on Redis", () => {
  it("opens a redis:// URL with a key prefix", async () => {
    const ledger = openLedger({
      location: REDIS_TEST_URL,
      redisPrefix: `tokenwise-test:open-ledger:${process.pid}:`,
    });
    expect(await ledger.spent("nobody")).toBe(0n);
    await ledger.close();
  });
});
