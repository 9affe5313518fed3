import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emptyUsage } from "../cost/usage.js";
import { createSqliteLedger } from "../ledger/index.js";
import { describeWithRedis, REDIS_TEST_URL } from "../stores/test-support/redis-for-tests.js";
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

  it("names PostgreSQL as not available yet, without echoing the URL's password", () => {
    let message = "";
    try {
      openLedger({ location: "postgres://user:hunter2@127.0.0.1/test" });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/PostgreSQL ledgers are not available/);
    expect(message).not.toContain("hunter2");
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
