import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  uniquePostgresSchema,
} from "../../../adapters/stores/test-support/postgres-for-tests.js";
import { usd } from "../../../core/money/index.js";
import { createPostgresKeyRegistry } from "./postgres-key-registry.js";
import { hashSecret } from "./secret.js";
import { describeKeyRegistryConformance } from "./test-support/key-registry-conformance.js";
import type { KeyRegistry } from "./types.js";

describeWithPostgres("PostgreSQL key registry", () => {
  describeKeyRegistryConformance("PostgreSQL", async () => {
    const schema = uniquePostgresSchema("keys");
    const pool = newPostgresPool(3);
    let now = Date.UTC(2026, 11, 3, 12);
    const registry = createPostgresKeyRegistry({ pool, schema, now: () => now });
    return {
      registry,
      advance: (ms) => {
        now += ms;
      },
      cleanup: async () => {
        await registry.close();
        await dropPostgresSchema(pool, schema);
        await pool.end();
      },
    };
  });

  describe("shared by replicas", () => {
    let pool: pg.Pool;
    let schema: string;
    const registries: KeyRegistry[] = [];
    /** A registry with its own pool, as another replica would have, on the server's clock. */
    const replica = () => {
      const registry = createPostgresKeyRegistry({ pool: newPostgresPool(4), schema });
      registries.push(registry);
      return registry;
    };

    beforeAll(() => {
      pool = newPostgresPool(2);
      schema = uniquePostgresSchema("keys_shared");
    });
    afterAll(async () => {
      await Promise.all(registries.map((registry) => registry.close()));
      await dropPostgresSchema(pool, schema);
      await pool.end();
    });

    it("stores the SHA-256 of a secret and never the secret itself", async () => {
      const registry = replica();
      const { key, secret } = await registry.create({ name: "hashed" });
      const rotated = await registry.rotate(key.id, { graceMs: 60_000 });
      const { rows } = await pool.query<{ hash: string }>(
        `SELECT hash FROM "${schema}".tokenwise_key_secrets WHERE key_id = $1 ORDER BY hash`,
        [key.id],
      );
      expect(rows.map((row) => row.hash)).toEqual(
        [hashSecret(secret), hashSecret(rotated.secret)].sort(),
      );
      const dump = await pool.query<{ dump: string }>(
        `SELECT (SELECT json_agg(k)::text FROM "${schema}".tokenwise_keys k)
           || (SELECT json_agg(s)::text FROM "${schema}".tokenwise_key_secrets s) AS dump`,
      );
      const text = dump.rows[0]?.dump ?? "";
      expect(text).not.toContain(secret.slice(3));
      expect(text).not.toContain(rotated.secret.slice(3));
    });

    it("sees another replica's create, revocation and budget edit on the next lookup", async () => {
      const gateway = replica();
      const cli = replica();
      const { secret } = await cli.create({ name: "shared-bot" });
      expect((await gateway.authenticate(secret))?.name).toBe("shared-bot");
      await cli.update("shared-bot", {
        budget: { limit: usd("12.5"), period: "day", timeZone: "UTC" },
      });
      expect((await gateway.authenticate(secret))?.budget?.limit).toBe(usd("12.5"));
      await cli.revoke("shared-bot");
      expect(await gateway.authenticate(secret)).toBeUndefined();
      expect(await gateway.explain(secret)).toMatchObject({ state: "revoked" });
    });

    it("lets exactly one of several replicas creating one name at once win", async () => {
      const racers = [replica(), replica(), replica(), replica()];
      const outcomes = await Promise.allSettled(
        racers.map((registry) => registry.create({ name: "racy" })),
      );
      const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const lost = outcomes.flatMap((outcome) =>
        outcome.status === "rejected" ? [outcome.reason as Error] : [],
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(3);
      for (const error of lost) {
        expect(error.message).toBe(
          'name "racy" is taken by a live key; pick another name, or revoke or rotate that key',
        );
      }
      expect((await racers[0]?.list())?.filter((key) => key.name === "racy")).toHaveLength(1);
    });

    it("leaves exactly one current secret when replicas rotate one key at once", async () => {
      const [first, second, third, fourth] = [replica(), replica(), replica(), replica()];
      const racers = [first, second, third, fourth];
      const { key, secret } = await first.create({ name: "rotated-racy" });
      const rotated = await Promise.all(
        racers.map((registry) => registry.rotate(key.id, { graceMs: 0 })),
      );
      const live = [];
      for (const issued of rotated) {
        if ((await second.authenticate(issued.secret)) !== undefined) live.push(issued);
      }
      expect(live).toHaveLength(1);
      expect(await third.authenticate(secret)).toBeUndefined();
      expect((await fourth.get(key.id))?.secretHint).toBe(live[0]?.key.secretHint);
    });

    it("keeps both of two concurrent edits to different limits of one key", async () => {
      const [first, second] = [replica(), replica()];
      const { key } = await first.create({ name: "edited-racy" });
      for (let round = 1; round <= 10; round++) {
        await Promise.all([
          first.update(key.id, { rpm: round }),
          second.update(key.id, { tpm: round * 100 }),
        ]);
        expect(await first.get(key.id)).toMatchObject({ rpm: round, tpm: round * 100 });
      }
    });

    it("stamps times from the database server's clock", async () => {
      const registry = replica();
      const before = Date.now();
      const { key } = await registry.create({ name: "clocked" });
      const { rows } = await pool.query<{ ms: string }>(
        `SELECT "${schema}".tokenwise_clock_ms() AS ms`,
      );
      expect(key.createdAt).toBeLessThanOrEqual(Number(rows[0]?.ms));
      // Same machine: the server's clock and this process's agree to well within a minute.
      expect(Math.abs(key.createdAt - before)).toBeLessThan(60_000);
      expect((await registry.get(key.id))?.createdAt).toBe(key.createdAt);
    });

    it("keeps a budget limit above 64 bits exact", async () => {
      const registry = replica();
      const huge = 2n ** 70n;
      await registry.setTeam({
        name: "rich",
        budget: { limit: huge, period: "none", timeZone: "UTC" },
      });
      const { key } = await registry.create({
        name: "rich-bot",
        team: "rich",
        budget: { limit: huge + 1n, period: "month", timeZone: "UTC" },
      });
      expect((await registry.get(key.id))?.budget?.limit).toBe(huge + 1n);
      expect((await registry.getTeam("rich"))?.budget?.limit).toBe(huge);
    });

    it("keeps model names exactly, even ones PostgreSQL text cannot hold", async () => {
      const registry = replica();
      const models = ["gpt-4o-mini", "odd\u0000name", 'quote"d', "ünïcode"];
      const { key } = await registry.create({ name: "models-bot", models });
      expect((await registry.get(key.id))?.models).toEqual(models);
    });

    it("finds nothing, and does not fail, for a name with a NUL character", async () => {
      const registry = replica();
      expect(await registry.get("bad\u0000name")).toBeUndefined();
      expect(await registry.getTeam("bad\u0000team")).toBeUndefined();
      await expect(registry.revoke("bad\u0000name")).rejects.toMatchObject({ code: "not_found" });
    });

    it("reports a server it cannot reach as a store_error that names no password", async () => {
      const registry = createPostgresKeyRegistry({
        url: "postgres://tokenwise:s3cret-pw@127.0.0.1:1/none",
        schema,
      });
      const error = await registry.list().catch((caught: unknown) => caught as Error);
      expect(error).toMatchObject({ code: "store_error" });
      expect((error as Error).message).not.toContain("s3cret-pw");
      await registry.close();
    });
  });
});
