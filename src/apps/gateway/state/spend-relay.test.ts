/**
 * The relay from the Redis ledger's log to the spend writer, on the shared Redis (own prefix),
 * with a writer whose PostgreSQL answers, fails or hangs on command.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createRedisLedger,
  redisSpendOutbox,
  type SpendFlushResult,
  type SpendWrite,
  type SpendWriter,
} from "../../../adapters/ledger/index.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "../../../adapters/stores/test-support/redis-for-tests.js";
import { emptyUsage } from "../../../core/cost/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import { startSpendRelay } from "./spend-relay.js";

type Mode = "answers" | "fails" | "hangs";

/** A writer standing in for PostgreSQL: `written` holds what a successful flush wrote. */
function controlledWriter() {
  let buffer: SpendWrite[] = [];
  const written: SpendWrite[] = [];
  const state: { mode: Mode; release: () => void } = { mode: "answers", release: () => undefined };
  const writer: SpendWriter = {
    write(row) {
      buffer.push(row);
      return true;
    },
    async flush(): Promise<SpendFlushResult> {
      if (state.mode === "hangs") {
        await new Promise<void>((resolve) => {
          state.release = resolve;
        });
      }
      if (state.mode === "fails") {
        return {
          written: 0,
          duplicates: 0,
          pending: buffer.length,
          error: new TokenwiseError("store_error", "connect ECONNREFUSED"),
        };
      }
      const count = buffer.length;
      written.push(...buffer);
      buffer = [];
      return { written: count, duplicates: 0, pending: 0 };
    },
    stats: () => ({
      buffered: buffer.length,
      maxBufferedRows: 10_000,
      written: written.length,
      duplicates: 0,
      refused: 0,
      failedFlushes: 0,
      lastError: undefined,
      healthy: true,
    }),
    close: async () => undefined,
  };
  return { writer, written, buffered: () => buffer.length, state };
}

describeWithRedis("startSpendRelay", () => {
  let client: Redis;
  const prefix = uniqueRedisPrefix("relay");

  beforeAll(() => {
    client = newRedisClient();
  });

  afterAll(async () => {
    await deleteRedisPrefix(client, prefix);
    await client.quit();
  });

  async function until(condition: () => boolean | Promise<boolean>) {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("removes rows from Redis only once written, hands none over twice, and tracks the backlog while a write hangs", async () => {
    const ledgerPrefix = `${prefix}a:`;
    const ledger = createRedisLedger({ client, prefix: ledgerPrefix });
    const outbox = redisSpendOutbox({ client, prefix: ledgerPrefix });
    const { writer, written, buffered, state } = controlledWriter();
    const record = (requestId: string) =>
      ledger.record({
        scope: "key:a",
        model: "m",
        provider: "p",
        usage: emptyUsage(),
        cost: 1n,
        requestId,
      });
    state.mode = "fails";
    const relay = startSpendRelay({
      client,
      outbox,
      writer,
      lockKey: `${prefix}lock`,
      intervalMs: 30,
    });
    try {
      await Promise.all(["r1", "r2", "r3"].map(record));
      await until(() => buffered() === 3);
      // Failing cycles retry the rows they hold; they never take the same rows again.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(buffered()).toBe(3);
      expect(await outbox.size()).toBe(3);
      expect(relay.pending()).toBe(3);

      state.mode = "hangs";
      await new Promise((resolve) => setTimeout(resolve, 100));
      await Promise.all(["r4", "r5"].map(record));
      // The pass is stuck on the write, yet the backlog it reports keeps up.
      await until(() => relay.pending() === 5);

      state.mode = "answers";
      state.release();
      await until(async () => (await outbox.size()) === 0);
      expect(written.map((row) => row.requestId).sort()).toEqual(["r1", "r2", "r3", "r4", "r5"]);
      await until(() => relay.pending() === 0);
    } finally {
      state.mode = "answers";
      state.release();
      await relay.close();
      await ledger.close();
    }
  });
});
