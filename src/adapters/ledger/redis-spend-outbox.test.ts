import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { emptyUsage } from "../../core/cost/index.js";
import { usd } from "../../core/money/index.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "../stores/test-support/redis-for-tests.js";
import { createRedisLedger } from "./redis-ledger.js";
import { redisSpendOutbox } from "./redis-spend-outbox.js";

describeWithRedis("redisSpendOutbox", () => {
  let client: Redis;
  const prefix = uniqueRedisPrefix("outbox");

  beforeAll(() => {
    client = newRedisClient();
  });

  afterAll(async () => {
    await deleteRedisPrefix(client, prefix);
    await client.quit();
  });

  it("hands out the records a settle and a record wrote, oldest first, until removed", async () => {
    const ledger = createRedisLedger({ client, prefix });
    const outbox = redisSpendOutbox({ client, prefix });
    const usage = { ...emptyUsage(), inputTokens: 10, outputTokens: 5 };
    const { id } = await ledger.reserve({
      scope: "key:a",
      limit: usd("1"),
      amount: usd("0.5"),
      ttlMs: 60_000,
    });
    await ledger.settle(id, usd("0.2"), {
      model: "m",
      provider: "p",
      usage,
      requestId: "r1",
      time: 1000,
    });
    // Two records with the same content are still two entries.
    const same = { scope: "key:a", model: "m", provider: "p", usage, cost: 0n, time: 2000 };
    await ledger.record(same);
    await ledger.record(same);
    expect(await outbox.size()).toBe(3);
    const entries = await outbox.peek(2);
    expect(entries.map((entry) => entry.record.requestId)).toEqual(["r1", undefined]);
    expect(entries[0]?.record).toMatchObject({ scope: "key:a", cost: usd("0.2"), time: 1000 });
    expect(new Set((await outbox.peek(10)).map((entry) => entry.handle)).size).toBe(3);
    expect(await outbox.remove(entries.map((entry) => entry.handle))).toBe(2);
    expect(await outbox.remove(entries.map((entry) => entry.handle))).toBe(0);
    expect(await outbox.size()).toBe(1);
    expect(await outbox.peek(0)).toEqual([]);
    // Removing from the outbox never touches the charges.
    expect(await ledger.spent("key:a")).toBe(usd("0.2"));
    await ledger.close();
  });
});
