import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "./sqlite-store.js";
import { describeKeyValueStoreConformance } from "./test-support/key-value-store-conformance.js";
import { createManualClock } from "./test-support/manual-clock.js";

describeKeyValueStoreConformance("SQLite", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-store-"));
  const clock = createManualClock();
  const store = createSqliteStore({ path: join(directory, "store.db"), now: clock.now });
  return {
    store,
    advance: clock.advance,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe("createSqliteStore", () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-store-"));
    path = join(directory, "store.db");
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("persists across connections to the same file, in WAL mode", async () => {
    const first = createSqliteStore({ path });
    const second = createSqliteStore({ path });
    await first.set("shared", new Uint8Array([7, 8]));
    expect(await second.get("shared")).toEqual(new Uint8Array([7, 8]));
    await first.close();
    await second.close();
    const reopened = createSqliteStore({ path });
    expect(await reopened.get("shared")).toEqual(new Uint8Array([7, 8]));
    await reopened.close();
    const raw = new Database(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("ignores expired rows on read and deletes them on the next write after the interval", async () => {
    const clock = createManualClock();
    const store = createSqliteStore({ path, now: clock.now, pruneIntervalMs: 1000 });
    const raw = new Database(path);
    const rowCount = () => raw.prepare("SELECT count(*) AS n FROM tokenwise_kv").pluck().get();
    await store.set("a", "1", { ttlMs: 10 });
    await store.set("b", "2", { ttlMs: 10 });
    await clock.advance(20);
    expect(await store.get("a")).toBeUndefined();
    expect(rowCount()).toBe(2);
    await clock.advance(1000);
    await store.set("c", "3");
    expect(rowCount()).toBe(1);
    await store.set("d", "4", { ttlMs: 10 });
    await clock.advance(20);
    expect(await store.prune()).toBe(1);
    expect(rowCount()).toBe(1);
    raw.close();
    await store.close();
  });

  it("keeps separate tables apart in one file and leaves a shared connection open", async () => {
    const database = new Database(path);
    const responses = createSqliteStore({ database, table: "responses" });
    const embeddings = createSqliteStore({ database, table: "embeddings" });
    await responses.set("k", "response");
    await embeddings.set("k", "embedding");
    expect(await responses.clear()).toBe(1);
    expect(await embeddings.get("k")).toBe("embedding");
    await responses.close();
    expect(database.open).toBe(true);
    database.close();
  });

  it("rejects unsafe table names and a missing path", () => {
    expect(() => createSqliteStore({ path, table: 'kv"; DROP TABLE x; --' })).toThrow(
      /table must be a letter or underscore/,
    );
    expect(() => createSqliteStore({})).toThrow(/path or database must be given/);
  });
});
