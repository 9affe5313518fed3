import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createManualClock } from "../../../adapters/stores/test-support/manual-clock.js";
import { createSqliteRateLimiter } from "./sqlite-rate-limiter.js";
import { describeRateLimiterConformance } from "./test-support/rate-limiter-conformance.js";

describeRateLimiterConformance("SQLite", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-rate-"));
  const clock = createManualClock();
  const limiter = createSqliteRateLimiter({ path: join(directory, "rate.db"), now: clock.now });
  return {
    limiter,
    windowMs: 60_000,
    advance: clock.advance,
    slackMs: 0,
    cleanup: async () => {
      await limiter.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe("SQLite rate limiter file", () => {
  it("deletes the rows of keys that stopped sending, once a window", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-rate-"));
    const path = join(directory, "rate.db");
    const clock = createManualClock();
    const limiter = createSqliteRateLimiter({ path, now: clock.now });
    await limiter.take({ id: "key_idle", rpm: 5 }, 1);
    await clock.advance(60_000);
    await limiter.take({ id: "key_busy", rpm: 5 }, 1);
    const database = new Database(path);
    const rows = database.prepare("SELECT key_id FROM tokenwise_rate_events").all();
    database.close();
    await limiter.close();
    rmSync(directory, { recursive: true, force: true });
    expect(rows).toEqual([{ key_id: "key_busy" }]);
  });

  it("counts the events of a file made before the window totals existed", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-rate-"));
    const path = join(directory, "rate.db");
    const clock = createManualClock();
    const old = new Database(path);
    old.exec(`
      CREATE TABLE tokenwise_rate_events (key_id TEXT NOT NULL, at INTEGER NOT NULL, tokens INTEGER NOT NULL);
      CREATE INDEX tokenwise_rate_events_key_at ON tokenwise_rate_events (key_id, at);
    `);
    const insert = old.prepare("INSERT INTO tokenwise_rate_events VALUES (?, ?, ?)");
    insert.run("key_old", clock.now(), 40);
    insert.run("key_old", clock.now(), 50);
    old.close();
    const limiter = createSqliteRateLimiter({ path, now: clock.now });
    try {
      expect(await limiter.take({ id: "key_old", rpm: 3, tpm: 100 }, 10)).toEqual({
        allowed: true,
        remainingRequests: 0,
        remainingTokens: 0,
      });
      expect((await limiter.take({ id: "key_old", rpm: 3 }, 1)).allowed).toBe(false);
    } finally {
      await limiter.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("counts events another writer adds or drops behind its back (triggers keep the totals)", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-rate-"));
    const path = join(directory, "rate.db");
    const clock = createManualClock();
    const limiter = createSqliteRateLimiter({ path, now: clock.now });
    const other = new Database(path);
    try {
      await limiter.take({ id: "key_shared", tpm: 100 }, 30);
      // An older tokenwise sharing the file writes and prunes events with plain SQL.
      other
        .prepare("INSERT INTO tokenwise_rate_events VALUES (?, ?, ?)")
        .run("key_shared", clock.now(), 60);
      expect(await limiter.take({ id: "key_shared", tpm: 100 }, 20)).toMatchObject({
        allowed: false,
        refusedBy: "tpm",
      });
      other.prepare("DELETE FROM tokenwise_rate_events WHERE tokens = 60").run();
      expect(await limiter.take({ id: "key_shared", tpm: 100 }, 20)).toEqual({
        allowed: true,
        remainingTokens: 50,
      });
    } finally {
      other.close();
      await limiter.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
