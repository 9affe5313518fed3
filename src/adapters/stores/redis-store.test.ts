import { afterAll, describe, expect, it } from "vitest";
import { createRedisStore } from "./redis-store.js";
import { describeKeyValueStoreConformance } from "./test-support/key-value-store-conformance.js";
import { sleep } from "./test-support/manual-clock.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "./test-support/redis-for-tests.js";

describeWithRedis("Redis store", () => {
  describeKeyValueStoreConformance("Redis", async () => {
    const client = newRedisClient();
    const prefix = uniqueRedisPrefix("kv");
    const store = createRedisStore({ client, prefix });
    return {
      store,
      advance: sleep,
      cleanup: async () => {
        await store.close();
        await deleteRedisPrefix(client, prefix);
        await client.quit();
      },
    };
  });

  describe("createRedisStore", () => {
    const client = newRedisClient();
    const prefix = uniqueRedisPrefix("kv-engine");

    afterAll(async () => {
      await deleteRedisPrefix(client, prefix);
      await client.quit();
    });

    it("writes under its prefix with Redis's own millisecond TTL", async () => {
      const store = createRedisStore({ client, prefix });
      await store.set("answer", "42", { ttlMs: 60_000 });
      await store.set("forever", "1");
      expect(await client.keys(`${prefix}*`)).toEqual(
        expect.arrayContaining([`${prefix}answer`, `${prefix}forever`]),
      );
      const ttl = await client.pttl(`${prefix}answer`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await client.pttl(`${prefix}forever`)).toBe(-1);
    });

    it("never clears another namespace", async () => {
      const mine = createRedisStore({ client, prefix: `${prefix}mine:` });
      const theirs = createRedisStore({ client, prefix: `${prefix}theirs:` });
      await mine.set("k", "mine");
      await theirs.set("k", "theirs");
      expect(await mine.clear()).toBe(1);
      expect(await theirs.get("k")).toBe("theirs");
    });

    it("treats a value another program wrote under the prefix as absent", async () => {
      const store = createRedisStore({ client, prefix });
      await client.set(`${prefix}foreign`, "plain");
      expect(await store.get("foreign")).toBeUndefined();
    });

    it("owns and quits a connection it opened from a URL; closing leaves a passed client open", async () => {
      const owned = createRedisStore({ url: "redis://127.0.0.1:6379", prefix });
      await owned.set("via-url", "yes");
      await owned.close();
      const shared = createRedisStore({ client, prefix });
      await shared.close();
      expect(await client.get(`${prefix}via-url`)).toBe("syes");
    });

    it("rejects an empty prefix, which would let clear() wipe the database", () => {
      expect(() => createRedisStore({ client, prefix: "" })).toThrow(/prefix must be a non-empty/);
    });
  });
});
