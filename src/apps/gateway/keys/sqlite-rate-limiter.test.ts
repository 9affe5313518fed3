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
});
