import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usd } from "../../core/money/index.js";
import { createManualClock } from "../stores/test-support/manual-clock.js";
import type { Ledger } from "./ledger.js";
import { MAX_AMOUNT } from "./ledger-input.js";
import { createSqliteLedger } from "./sqlite-ledger.js";
import { describeBalanceObservations } from "./test-support/balance-observations.js";
import { compileForNode } from "./test-support/compile-for-node.js";
import { describeLedgerConformance } from "./test-support/ledger-conformance.js";
import type { WorkerJob, WorkerReport } from "./test-support/sqlite-reserve-worker.js";
import { startWorker } from "./test-support/worker-process.js";

describeLedgerConformance("SQLite", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-ledger-"));
  const path = join(directory, "ledger.db");
  const clock = createManualClock();
  const open: Ledger[] = [];
  const connect = async () => {
    const ledger = createSqliteLedger({ path, now: clock.now });
    open.push(ledger);
    return ledger;
  };
  return {
    ledger: await connect(),
    connect,
    now: clock.now,
    advance: clock.advance,
    cleanup: async () => {
      await Promise.all(open.map((ledger) => ledger.close()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe("createSqliteLedger", () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-ledger-"));
    path = join(directory, "ledger.db");
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("keeps spend and reservations across reopening the file", async () => {
    const first = createSqliteLedger({ path });
    const { id } = await first.reserve({
      scope: "s",
      amount: usd("0.2"),
      ttlMs: 600_000,
      limit: usd("1"),
    });
    await first.settle(id, usd("0.15"));
    const { id: open } = await first.reserve({
      scope: "s",
      amount: usd("0.3"),
      ttlMs: 600_000,
      limit: usd("1"),
    });
    await first.close();
    const second = createSqliteLedger({ path });
    expect(await second.spent("s")).toBe(usd("0.15"));
    expect(await second.reserved("s")).toBe(usd("0.3"));
    expect(await second.settle(open, usd("0.3"))).toMatchObject({
      scope: "s",
      reserved: usd("0.3"),
    });
    await second.close();
  });

  it("stores money exactly: INTEGER amounts and TEXT running totals", async () => {
    const ledger = createSqliteLedger({ path });
    const { id } = await ledger.reserve({
      scope: "s",
      amount: 9_007_199_254_740_993n,
      ttlMs: 600_000,
      limit: usd("100000"),
    });
    const raw = new Database(path);
    raw.defaultSafeIntegers(true);
    expect(raw.prepare("SELECT amount FROM tokenwise_ledger_holds").pluck().get()).toBe(
      9_007_199_254_740_993n,
    );
    await ledger.settle(id, 2n ** 63n - 1n);
    await ledger
      .reserve({ scope: "s", amount: 0n, ttlMs: 1, limit: usd("100000") })
      .catch(() => undefined);
    const { id: again } = await ledger.reserve({
      scope: "t",
      amount: 1n,
      ttlMs: 600_000,
      limit: 1n,
    });
    await ledger.settle(again, 2n ** 63n - 1n);
    const { id: third } = await ledger.reserve({
      scope: "t",
      amount: 0n,
      ttlMs: 600_000,
      limit: usd("10000000") * 3n,
    });
    await ledger.settle(third, 2n ** 63n - 1n);
    expect(
      raw.prepare("SELECT spent FROM tokenwise_ledger_scopes WHERE scope = 't'").pluck().get(),
    ).toBe(((2n ** 63n - 1n) * 2n).toString());
    raw.close();
    await ledger.close();
  });

  it("forgets leases and settle results past the late-settle window, and deletes their rows", async () => {
    const clock = createManualClock();
    const ledger = createSqliteLedger({ path, now: clock.now, lateSettleWindowMs: 1000 });
    const database = new Database(path);
    const count = (table: string) =>
      database.prepare(`SELECT count(*) FROM "tokenwise_ledger_${table}"`).pluck().get();
    const reserve = () => ledger.reserve({ scope: "s", amount: 5n, ttlMs: 100, limit: 100n });
    try {
      const lapsed = await reserve();
      const released = await reserve();
      await clock.advance(900);
      const done = await reserve();
      await ledger.settle(done.id, 3n);
      await clock.advance(150);
      const late = await reserve();
      await clock.advance(100);
      // Expired just now: inside the window, so it is settled late (the call was paid for).
      await ledger.settle(late.id, 1n);
      await clock.advance(60);
      // 1,110 ms past their expiry: forgotten, though their rows wait for the next sweep.
      await expect(ledger.settle(lapsed.id, 1n)).rejects.toMatchObject({ code: "not_found" });
      expect(await ledger.release(released.id)).toBe(false);
      await clock.advance(190);
      expect(await ledger.settle(done.id, 3n)).toMatchObject({ actual: 3n });
      await clock.advance(550);
      // 1,050 ms after the settle: its result is forgotten too.
      await expect(ledger.settle(done.id, 3n)).rejects.toMatchObject({ code: "not_found" });
      expect(await ledger.spent("s")).toBe(4n);
      expect(count("settled")).toBe(2);
      await clock.advance(1150);
      await reserve();
      expect(count("settled")).toBe(0);
      expect(count("holds")).toBe(1);
    } finally {
      database.close();
      await ledger.close();
    }
  });

  it("sums reservations past 64 bits exactly", async () => {
    const ledger = createSqliteLedger({ path });
    try {
      const limit = 10n ** 24n;
      for (let index = 0; index < 3; index++) {
        await ledger.reserve({ scope: "big", amount: MAX_AMOUNT, ttlMs: 60_000, limit });
      }
      expect(await ledger.reserved("big")).toBe(3n * MAX_AMOUNT);
      expect(await ledger.remaining("big", limit)).toBe(limit - 3n * MAX_AMOUNT);
      await expect(
        ledger.reserve({ scope: "big", amount: MAX_AMOUNT, ttlMs: 60_000, limit: 3n * MAX_AMOUNT }),
      ).rejects.toMatchObject({ code: "budget_exceeded", details: { reserved: 3n * MAX_AMOUNT } });
    } finally {
      await ledger.close();
    }
  });

  it("uses its own table prefix so several ledgers can share one file", async () => {
    const database = new Database(path);
    const billing = createSqliteLedger({ database, tablePrefix: "billing" });
    const quota = createSqliteLedger({ database, tablePrefix: "quota" });
    await billing.reserve({ scope: "s", amount: 5n, ttlMs: 60_000, limit: 5n });
    expect(await quota.reserved("s")).toBe(0n);
    await billing.close();
    expect(database.open).toBe(true);
    database.close();
  });
});

describeBalanceObservations("SQLite", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-ledger-"));
  const ledger = createSqliteLedger({ path: join(directory, "ledger.db") });
  return {
    ledger,
    cleanup: async () => {
      await ledger.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe("createSqliteLedger across processes", () => {
  let compiled: { entry: string; directory: string };
  let directory: string;
  let path: string;

  beforeAll(async () => {
    compiled = compileForNode("adapters/ledger/test-support/sqlite-reserve-worker.ts");
  });

  afterAll(() => {
    rmSync(compiled.directory, { recursive: true, force: true });
  });

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-race-"));
    path = join(directory, "ledger.db");
    // Create the tables first, so the racing processes only contend for budget.
    await createSqliteLedger({ path }).close();
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /**
   * Runs the same job in `processes` processes started at the same moment. A worker that
   * fails or exits instead of answering rejects this with its error at once.
   */
  async function race(processes: number, job: Omit<WorkerJob, "path">): Promise<WorkerReport[]> {
    const workers = Array.from({ length: processes }, (_, index) =>
      startWorker(compiled.entry, `racer ${index + 1}`),
    );
    try {
      await Promise.all(workers.map((worker) => worker.request({ ...job, path })));
      return await Promise.all(workers.map((worker) => worker.request<WorkerReport>("go")));
    } finally {
      for (const worker of workers) worker.kill();
    }
  }

  it("lets exactly 100 of 200 $0.01 reservations from 4 processes through a $1.00 limit", async () => {
    const reports = await race(4, {
      scopes: ["race"],
      attemptsPerScope: 50,
      amount: usd("0.01").toString(),
      limit: usd("1").toString(),
    });
    expect(reports.reduce((sum, report) => sum + report.granted, 0)).toBe(100);
    expect(reports.reduce((sum, report) => sum + report.refused, 0)).toBe(100);
    expect(reports.every((report) => BigInt(report.mostHeld) <= usd("1"))).toBe(true);
    const ledger = createSqliteLedger({ path });
    expect(await ledger.reserved("race")).toBe(usd("1"));
    expect(await ledger.spent("race")).toBe(0n);
    await ledger.close();
  });

  it("grants each of 2000 last-slot races to exactly one of 4 processes", async () => {
    const scopes = Array.from({ length: 2000 }, (_, index) => `slot-${index}`);
    const reports = await race(4, { scopes, attemptsPerScope: 1, amount: "1", limit: "1" });
    expect(reports.reduce((sum, report) => sum + report.granted, 0)).toBe(2000);
    expect(reports.reduce((sum, report) => sum + report.refused, 0)).toBe(6000);
    expect(reports.every((report) => report.mostHeld === "1")).toBe(true);
  });

  it("fails at once with the worker's error when a worker cannot open the ledger", async () => {
    path = join(directory, "no-such-directory", "ledger.db");
    await expect(
      race(2, { scopes: ["race"], attemptsPerScope: 1, amount: "1", limit: "1" }),
    ).rejects.toThrow(/Opening SQLite database .*no-such-directory/);
  });
});

describe("createSqliteLedger indexes", () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-ledger-index-"));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("sums what a scope holds from a covering index, and drops the indexes of older files", async () => {
    const path = join(directory, "ledger.db");
    const old = new Database(path);
    old.exec(`
      CREATE TABLE tokenwise_ledger_holds (id TEXT NOT NULL, position INTEGER NOT NULL,
        scope TEXT NOT NULL, amount INTEGER NOT NULL, expires_at INTEGER NOT NULL,
        PRIMARY KEY (id, position));
      CREATE INDEX tokenwise_ledger_holds_scope ON tokenwise_ledger_holds (scope, expires_at);
      CREATE INDEX tokenwise_ledger_holds_expires_at ON tokenwise_ledger_holds (expires_at);
      INSERT INTO tokenwise_ledger_holds VALUES ('r1', 0, 'team', 7, 9999999999999);
    `);
    old.close();
    const ledger = createSqliteLedger({ path });
    expect(await ledger.reserved("team")).toBe(7n);
    await ledger.close();
    const database = new Database(path);
    const indexes = database
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokenwise_ledger_holds' AND sql IS NOT NULL ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    const plan = database
      .prepare<[], { detail: string }>(
        "EXPLAIN QUERY PLAN SELECT sum(amount) FROM tokenwise_ledger_holds WHERE scope = 'team' AND expires_at > 0",
      )
      .all()
      .map((row) => row.detail);
    database.close();
    expect(indexes).toEqual(["tokenwise_ledger_holds_scope_amount"]);
    expect(plan).toEqual([
      expect.stringMatching(
        /^SEARCH tokenwise_ledger_holds USING COVERING INDEX tokenwise_ledger_holds_scope_amount/,
      ),
    ]);
  });
});
