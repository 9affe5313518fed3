import { afterAll, describe, expect, it } from "vitest";
import { emptyUsage } from "../../core/cost/index.js";
import { usd } from "../../core/money/index.js";
import { createManualClock, sleep } from "../stores/test-support/manual-clock.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "../stores/test-support/redis-for-tests.js";
import type { Ledger } from "./ledger.js";
import {
  createRedisLedger,
  isLedgerStateLost,
  redisLedgerHasData,
  restoreRedisLedger,
} from "./redis-ledger.js";
import { describeBalanceObservations } from "./test-support/balance-observations.js";
import { describeLedgerConformance } from "./test-support/ledger-conformance.js";

describeWithRedis("Redis ledger", () => {
  describeLedgerConformance("Redis", async () => {
    const prefix = uniqueRedisPrefix("ledger");
    const clock = createManualClock();
    const clients = [newRedisClient()];
    const ledgers: Ledger[] = [];
    const connect = async () => {
      const client = newRedisClient();
      clients.push(client);
      const ledger = createRedisLedger({ client, prefix, now: clock.now });
      ledgers.push(ledger);
      return ledger;
    };
    return {
      ledger: await connect(),
      connect,
      now: clock.now,
      advance: async (ms) => {
        await sleep(ms);
        await clock.advance(ms);
      },
      cleanup: async () => {
        await Promise.all(ledgers.map((ledger) => ledger.close()));
        const [janitor] = clients;
        if (janitor) await deleteRedisPrefix(janitor, prefix);
        await Promise.all(clients.map((client) => client.quit()));
      },
    };
  });

  describeBalanceObservations("Redis", async () => {
    const prefix = uniqueRedisPrefix("ledger-balances");
    const client = newRedisClient();
    const ledger = createRedisLedger({ client, prefix });
    return {
      ledger,
      cleanup: async () => {
        await ledger.close();
        await deleteRedisPrefix(client, prefix);
        await client.quit();
      },
    };
  });

  describe("createRedisLedger", () => {
    const client = newRedisClient();
    const prefix = uniqueRedisPrefix("ledger-engine");

    afterAll(async () => {
      await deleteRedisPrefix(client, prefix);
      await client.quit();
    });

    it("moves no money while its epoch key is missing, and restores counters then the epoch", async () => {
      const scoped = `${prefix}epoch:`;
      const epochKey = `${scoped}epoch`;
      const ledger = createRedisLedger({ client, prefix: scoped, epochKey });
      const budget = { scope: "team:t", limit: usd("1") };
      const record = { model: "m", provider: "p", usage: emptyUsage() };
      expect(await redisLedgerHasData({ client, prefix: scoped })).toBe(false);
      const refused = await ledger
        .reserve({ ...budget, amount: usd("0.1"), ttlMs: 60_000 })
        .catch((error: unknown) => error);
      expect(isLedgerStateLost(refused)).toBe(true);
      const recorded = await ledger
        .record({ ...record, scope: "team:t", cost: usd("0.1") })
        .catch((error: unknown) => error);
      expect(isLedgerStateLost(recorded)).toBe(true);
      expect(await client.keys(`${scoped}*`)).toEqual([]);
      await restoreRedisLedger({
        client,
        prefix: scoped,
        epochKey,
        spent: [{ scope: "team:t", spent: usd("0.95") }],
      });
      expect(await redisLedgerHasData({ client, prefix: scoped })).toBe(true);
      expect(await ledger.spent("team:t")).toBe(usd("0.95"));
      await expect(
        ledger.reserve({ ...budget, amount: usd("0.1"), ttlMs: 60_000 }),
      ).rejects.toMatchObject({ code: "budget_exceeded" });
      const { id } = await ledger.reserve({ ...budget, amount: usd("0.05"), ttlMs: 60_000 });
      await client.del(epochKey);
      expect(isLedgerStateLost(await ledger.settle(id, usd("0.01")).catch((error) => error))).toBe(
        true,
      );
      expect(await ledger.spent("team:t")).toBe(usd("0.95"));
      await deleteRedisPrefix(client, scoped);
    });

    it("returns with each reservation the balances it left on every scope", async () => {
      const ledger = createRedisLedger({ client, prefix: `${prefix}balances:` });
      const budgets = [
        { scope: "key:k", limit: usd("1") },
        { scope: "team:t", limit: usd("5") },
      ];
      await ledger.reserve({
        scope: "team:t",
        amount: usd("0.25"),
        ttlMs: 60_000,
        limit: usd("5"),
      });
      const reservation = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
      expect(reservation.balances).toEqual([
        { scope: "key:k", spent: 0n, reserved: usd("0.5") },
        { scope: "team:t", spent: 0n, reserved: usd("0.75") },
      ]);
      await deleteRedisPrefix(client, `${prefix}balances:`);
    });

    it("stores money as exact decimal strings under its prefix", async () => {
      const ledger = createRedisLedger({ client, prefix });
      const { id } = await ledger.reserve({
        scope: "team:a",
        amount: usd("12345.678901234567"),
        ttlMs: 60_000,
        limit: usd("1000000"),
      });
      expect(await client.hget(`${prefix}amounts:team%3Aa`, id)).toBe("12345678901234567");
      await ledger.settle(id, usd("12345.678901234567"));
      expect(await client.get(`${prefix}spent:team%3Aa`)).toBe("12345678901234567");
      expect(await client.zscore(`${prefix}active:team%3Aa`, id)).toBeNull();
      expect(await client.hget(`${prefix}amounts:team%3Aa`, id)).toBeNull();
      // The settled result stays for the late-settle window, so a retried settle charges nothing.
      expect(await client.hget(`${prefix}reservation:${id}`, "settled")).toBe("1");
    });

    it("lets the reservation key expire after its TTL plus the late-settle window", async () => {
      const ledger = createRedisLedger({ client, prefix, lateSettleWindowMs: 50 });
      const { id } = await ledger.reserve({ scope: "short", amount: 1n, ttlMs: 50, limit: 1n });
      const ttl = await client.pttl(`${prefix}reservation:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(100);
      await sleep(150);
      await expect(ledger.settle(id, 1n)).rejects.toMatchObject({ code: "not_found" });
      expect(await ledger.reserved("short")).toBe(0n);
      expect(await client.zcard(`${prefix}active:short`)).toBe(0);
    });

    it("forgets a settled result after the late-settle window", async () => {
      const ledger = createRedisLedger({ client, prefix, lateSettleWindowMs: 50 });
      const { id } = await ledger.reserve({ scope: "once", amount: 1n, ttlMs: 60_000, limit: 1n });
      await ledger.settle(id, 1n);
      const ttl = await client.pttl(`${prefix}reservation:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(50);
      await sleep(100);
      await expect(ledger.settle(id, 1n)).rejects.toMatchObject({ code: "not_found" });
      expect(await ledger.spent("once")).toBe(1n);
    });

    it("renews on the server's clock, whatever the caller's clock says", async () => {
      const skewed = createRedisLedger({ client, prefix, now: () => 0 });
      const { id, expiresAt } = await skewed.reserve({
        scope: "skew",
        amount: 1n,
        ttlMs: 60_000,
        limit: 1n,
      });
      const [seconds] = await client.time();
      const serverNow = Number(seconds) * 1000;
      expect(expiresAt).toBeGreaterThan(serverNow);
      const renewed = await skewed.renew(id, 120_000);
      expect(renewed?.expiresAt).toBeGreaterThanOrEqual(serverNow + 119_000);
      expect(Number(await client.zscore(`${prefix}active:skew`, id))).toBe(renewed?.expiresAt);
    });
  });
});
