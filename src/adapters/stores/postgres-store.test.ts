import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "./postgres-store.js";
import { describeKeyValueStoreConformance } from "./test-support/key-value-store-conformance.js";
import { sleep } from "./test-support/manual-clock.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  uniquePostgresSchema,
} from "./test-support/postgres-for-tests.js";

describeWithPostgres("PostgreSQL store", () => {
  describeKeyValueStoreConformance("PostgreSQL", async () => {
    const pool = newPostgresPool();
    const schema = uniquePostgresSchema("kv");
    const store = createPostgresStore({ pool, schema });
    return {
      store,
      advance: sleep,
      cleanup: async () => {
        await store.close();
        await dropPostgresSchema(pool, schema);
        await pool.end();
      },
    };
  });

  describe("createPostgresStore", () => {
    const pool = newPostgresPool();
    const schema = uniquePostgresSchema("kv_engine");

    beforeAll(async () => {
      await createPostgresStore({ pool, schema }).get("warm-up");
    });

    afterAll(async () => {
      await dropPostgresSchema(pool, schema);
      await pool.end();
    });

    it("keeps namespaces apart in one table and never clears another's entries", async () => {
      const responses = createPostgresStore({ pool, schema, namespace: "responses" });
      const embeddings = createPostgresStore({ pool, schema, namespace: "embeddings" });
      await responses.set("k", "response");
      await embeddings.set("k", "embedding");
      expect(await responses.clear()).toBe(1);
      expect(await embeddings.get("k")).toBe("embedding");
      expect(await responses.get("k")).toBeUndefined();
    });

    it("expires by the database clock: expires_at is the server's time plus the TTL", async () => {
      const store = createPostgresStore({ pool, schema, namespace: "clock" });
      await store.set("answer", "42", { ttlMs: 60_000 });
      const { rows } = await pool.query<{ ms: number }>(
        `SELECT extract(epoch FROM expires_at - clock_timestamp()) * 1000 AS ms
         FROM "${schema}".tokenwise_kv WHERE namespace = 'clock'`,
      );
      expect(Number(rows[0]?.ms)).toBeGreaterThan(50_000);
      expect(Number(rows[0]?.ms)).toBeLessThanOrEqual(60_000);
    });

    it("prunes expired rows on demand and on a write after the interval", async () => {
      const rowCount = async () =>
        Number(
          (
            await pool.query<{ n: string }>(
              `SELECT count(*) AS n FROM "${schema}".tokenwise_kv WHERE namespace = 'prune'`,
            )
          ).rows[0]?.n,
        );
      // Only its first write prunes (nothing has expired yet): expired rows stay until prune().
      const seldom = createPostgresStore({ pool, schema, namespace: "prune" });
      await seldom.set("a", "1", { ttlMs: 20 });
      await seldom.set("b", "2", { ttlMs: 20 });
      await sleep(60);
      await seldom.set("c", "3");
      expect(await rowCount()).toBe(3);
      expect(await seldom.prune()).toBe(2);
      const eager = createPostgresStore({ pool, schema, namespace: "prune", pruneIntervalMs: 0 });
      await eager.set("d", "4", { ttlMs: 20 });
      await sleep(60);
      await eager.set("e", "5");
      expect(await rowCount()).toBe(2);
    });

    it("keeps the last entry when setMany repeats a key", async () => {
      const store = createPostgresStore({ pool, schema, namespace: "repeat" });
      await store.setMany([
        { key: "k", value: "first" },
        { key: "k", value: "second" },
      ]);
      expect(await store.get("k")).toBe("second");
    });

    it("stores keys holding NUL and clears a prefix ending in the highest UTF-8 byte", async () => {
      const store = createPostgresStore({ pool, schema, namespace: "bytes" });
      await store.setMany([
        { key: "a\u0000b", value: "nul" },
        { key: "\u007f", value: "del" },
        { key: "\u007fz", value: "del-z" },
        { key: "\u0080", value: "next" },
      ]);
      expect(await store.get("a\u0000b")).toBe("nul");
      expect(await store.clear("\u007f")).toBe(2);
      expect(await store.get("\u0080")).toBe("next");
    });

    it("owns and ends a pool it opened from a URL; closing leaves a passed pool open", async () => {
      const url = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
      const owned = createPostgresStore({ url, schema, namespace: "owned" });
      await owned.set("via-url", "yes");
      await owned.close();
      const shared = createPostgresStore({ pool, schema, namespace: "owned" });
      await shared.close();
      const { rows } = await pool.query(
        `SELECT 1 FROM "${schema}".tokenwise_kv WHERE namespace = 'owned'`,
      );
      expect(rows).toHaveLength(1);
    });

    it("rejects bad options without echoing a URL that may hold a password", () => {
      expect(() => createPostgresStore({ url: "mysql://user:secret@db" })).toThrow(
        /^url must start with "postgres:\/\/"/,
      );
      expect(() => createPostgresStore({ url: "mysql://user:secret@db" })).not.toThrow(/secret/);
      expect(() => createPostgresStore({ pool, schema: 'x"; DROP SCHEMA public; --' })).toThrow(
        /schema must be a letter or underscore/,
      );
      expect(() => createPostgresStore({ pool, namespace: "" })).toThrow(/namespace must be/);
      expect(() => createPostgresStore({})).toThrow(/pool or url must be given/);
    });

    it("reports an unreachable server as a store_error on every use", async () => {
      const store = createPostgresStore({
        url: "postgres://postgres@127.0.0.1:1/test",
        schema,
      });
      await expect(store.get("k")).rejects.toMatchObject({
        code: "store_error",
        message: expect.stringContaining("ECONNREFUSED"),
      });
      await expect(store.get("k")).rejects.toMatchObject({ code: "store_error" });
      await store.close();
    });
  });
});
