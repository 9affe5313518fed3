import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteWriteBatcher } from "./sqlite-write-batch.js";

describe("sqliteWriteBatcher", () => {
  let directory: string;
  let path: string;
  let database: Database.Database;
  let observer: Database.Database;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-batch-"));
    path = join(directory, "batch.db");
    database = new Database(path, { timeout: 0 });
    database.pragma("journal_mode = WAL");
    database.exec("CREATE TABLE t (n INTEGER NOT NULL CHECK (n >= 0))");
    observer = new Database(path);
  });
  afterEach(() => {
    observer.close();
    database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const insert = (n: number) => () =>
    database.prepare("INSERT INTO t (n) VALUES (?)").run(n).changes;
  const rows = () => observer.prepare("SELECT n FROM t ORDER BY rowid").pluck().all();

  it("commits the writes of one turn together, in order, each seeing the ones before", async () => {
    const batcher = sqliteWriteBatcher(database);
    const count = () => database.prepare("SELECT count(*) FROM t").pluck().get();
    // Still one open transaction when the last write runs: nothing is visible elsewhere yet.
    const seenElsewhere = () => observer.prepare("SELECT count(*) FROM t").pluck().get();
    const results = await Promise.all([
      batcher.write(insert(1)),
      batcher.write(count),
      batcher.write(insert(2)),
      batcher.write(count),
      batcher.write(() => [database.inTransaction, seenElsewhere()]),
    ]);
    expect(results).toEqual([1, 1, 1, 2, [true, 0]]);
    expect(rows()).toEqual([1, 2]);
  });

  it("shares one batcher between the engines on one connection", () => {
    expect(sqliteWriteBatcher(database)).toBe(sqliteWriteBatcher(database));
  });

  it("leaves out a write that throws: it rejects alone, the others commit", async () => {
    const batcher = sqliteWriteBatcher(database);
    const outcomes = await Promise.allSettled([
      batcher.write(insert(1)),
      batcher.write(insert(-1)),
      batcher.write(insert(3)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint/);
    expect(rows()).toEqual([1, 3]);
  });

  it("fails every write of a batch whose transaction cannot begin", async () => {
    const batcher = sqliteWriteBatcher(database);
    observer.exec("BEGIN IMMEDIATE");
    const outcomes = await Promise.allSettled([batcher.write(insert(1)), batcher.write(insert(2))]);
    observer.exec("ROLLBACK");
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    expect(rows()).toEqual([]);
  });

  it("runs what is queued at once on flush, for a read that must see it", async () => {
    const batcher = sqliteWriteBatcher(database);
    const pending = batcher.write(insert(7));
    batcher.flush();
    expect(rows()).toEqual([7]);
    await expect(pending).resolves.toBe(1);
  });
});
