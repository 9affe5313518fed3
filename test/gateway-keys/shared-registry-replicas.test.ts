/**
 * The propagation bound of the shared key registry, end to end: several replicas, each with
 * its own PostgreSQL pool, its own key cache and its own Redis subscription, over one real
 * PostgreSQL schema and one real Redis channel, and `tokenwise keys` as a separate process.
 *
 * - A change written through any replica (or the CLI with --redis) reaches every replica by
 *   pub/sub: the caches here live 60 s, so a change seen sooner came by message.
 * - A change whose message is lost is seen within ttlMs (manual clock), and a reconnect of the
 *   subscription drops everything at once.
 *
 * `npm test` builds first (the `pretest` script), so dist/faces/cli/main.js is current.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../../src/adapters/stores/test-support/postgres-for-tests.js";
import {
  describeWithRedis,
  REDIS_TEST_URL,
} from "../../src/adapters/stores/test-support/redis-for-tests.js";
import {
  type CachedKeyRegistry,
  createCachedKeyRegistry,
  createPostgresKeyRegistry,
  createRedisKeyInvalidation,
  type KeyInvalidation,
  type KeyRegistry,
  keyInvalidationChannel,
} from "../../src/apps/gateway/keys/index.js";
import { usd } from "../../src/core/money/index.js";

const bin = fileURLToPath(new URL("../../dist/faces/cli/main.js", import.meta.url));

/** Polls until `check` passes, at most ~15 s (a loaded machine delivers in its own time). */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await check();
      return;
    } catch (error) {
      if (attempt >= 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function tokenwise(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, TOKENWISE_POSTGRES_URL: "", TOKENWISE_REDIS_URL: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describeWithPostgres("shared key registry across replicas", () => {
  describeWithRedis("with Redis pub/sub invalidation", () => {
    let janitor: pg.Pool;
    let schema: string;
    let channel: string;
    let admin: Redis;
    const closing: KeyRegistry[] = [];
    const pools: pg.Pool[] = [];

    /** One gateway replica's registry: its own pool, cache and subscription. */
    const replica = async (
      options: { ttlMs?: number; now?: () => number; connectionName?: string } = {},
    ): Promise<{ registry: CachedKeyRegistry; invalidation: KeyInvalidation }> => {
      const pool = newPostgresPool(3);
      pools.push(pool);
      const invalidation = createRedisKeyInvalidation({
        url: REDIS_TEST_URL,
        channel,
        connectionName: options.connectionName,
      });
      const registry = createCachedKeyRegistry(createPostgresKeyRegistry({ pool, schema }), {
        ttlMs: options.ttlMs ?? 60_000,
        negativeTtlMs: Math.min(options.ttlMs ?? 60_000, 250),
        now: options.now,
        invalidation,
      });
      closing.push(registry);
      await invalidation.ready();
      return { registry, invalidation };
    };
    /** A writer that announces nothing: as if every message it sent were lost. */
    const silentWriter = () => {
      const pool = newPostgresPool(2);
      pools.push(pool);
      const registry = createPostgresKeyRegistry({ pool, schema });
      closing.push(registry);
      return registry;
    };

    beforeAll(() => {
      janitor = newPostgresPool(1);
      admin = new Redis(REDIS_TEST_URL);
    });
    beforeEach(async () => {
      schema = uniquePostgresSchema("shared_keys");
      // The channel the CLI derives from the schema, so `tokenwise keys` and replicas meet.
      channel = keyInvalidationChannel(schema);
      // Migrate before replicas race to (they would apply it once anyway, under the lock).
      await silentWriter().list();
    });
    afterEach(async () => {
      await Promise.all(closing.splice(0).map((registry) => registry.close()));
      await Promise.all(pools.splice(0).map((pool) => pool.end()));
      await dropPostgresSchema(janitor, schema);
    });
    afterAll(async () => {
      await janitor.end();
      await admin.quit();
    });

    it("a revocation on one replica makes every other refuse the secret, by message", async () => {
      const [first, second, third] = await Promise.all([replica(), replica(), replica()]);
      const { key, secret } = await first.registry.create({ name: "ci-bot" });
      for (const other of [second, third]) {
        // Cached once the create's own message has come by (a read it overlapped is not kept).
        await eventually(async () => {
          expect((await other.registry.authenticate(secret))?.id).toBe(key.id);
          expect(other.registry.stats().hits).toBeGreaterThan(0);
        });
      }
      await first.registry.revoke("ci-bot");
      // Their caches would keep the key for 60 s: refusing now means the message arrived.
      for (const other of [second, third]) {
        await eventually(async () => {
          expect(await other.registry.authenticate(secret)).toBeUndefined();
        });
        expect(await other.registry.explain(secret)).toMatchObject({ state: "revoked" });
      }
    });

    it("a budget edit of a key or a team reaches every replica, by message", async () => {
      const [first, second] = await Promise.all([replica(), replica()]);
      await first.registry.setTeam({ name: "data" });
      const { secret } = await first.registry.create({
        name: "ci-bot",
        team: "data",
        budget: { limit: usd("5"), period: "day", timeZone: "UTC" },
      });
      expect((await second.registry.authenticate(secret))?.budget?.limit).toBe(usd("5"));
      expect(await second.registry.getTeam("data")).toEqual({ name: "data" });
      await first.registry.update("ci-bot", {
        budget: { limit: usd("0.5"), period: "day", timeZone: "UTC" },
      });
      await first.registry.setTeam({
        name: "data",
        budget: { limit: usd("100"), period: "month", timeZone: "UTC" },
      });
      await eventually(async () => {
        expect((await second.registry.authenticate(secret))?.budget?.limit).toBe(usd("0.5"));
        expect((await second.registry.getTeam("data"))?.budget?.limit).toBe(usd("100"));
      });
    });

    it("a rotation with no grace stops the old secret on every replica, by message", async () => {
      const [first, second] = await Promise.all([replica(), replica()]);
      const issued = await first.registry.create({ name: "ci-bot" });
      expect(await second.registry.authenticate(issued.secret)).toBeDefined();
      const rotated = await first.registry.rotate("ci-bot", { graceMs: 0 });
      await eventually(async () => {
        expect(await second.registry.authenticate(issued.secret)).toBeUndefined();
      });
      expect((await second.registry.authenticate(rotated.secret))?.id).toBe(issued.key.id);
    });

    it("a change whose message is lost is seen within ttlMs, and not before", async () => {
      let clock = 0;
      const gateway = await replica({ ttlMs: 1000, now: () => clock });
      const writer = silentWriter();
      const { secret } = await writer.create({ name: "ci-bot", rpm: 60 });
      expect((await gateway.registry.authenticate(secret))?.rpm).toBe(60);
      await writer.update("ci-bot", { rpm: 6 });
      await writer.revoke("ci-bot");
      clock += 999;
      expect((await gateway.registry.authenticate(secret))?.rpm).toBe(60);
      clock += 1;
      expect(await gateway.registry.authenticate(secret)).toBeUndefined();
    });

    it("a replica whose subscription drops and comes back forgets everything it cached", async () => {
      const connectionName = `tokenwise-test-${randomUUID().slice(0, 8)}`;
      const gateway = await replica({ connectionName });
      const writer = silentWriter();
      const { secret } = await writer.create({ name: "ci-bot" });
      expect(await gateway.registry.authenticate(secret)).toBeDefined();
      await writer.revoke("ci-bot");
      // The revocation announced nothing (its message is "lost"); the cache lives 60 s.
      expect(await gateway.registry.authenticate(secret)).toBeDefined();
      const clients = String(await admin.client("LIST"));
      const line = clients.split("\n").find((entry) => entry.includes(`name=${connectionName} `));
      const id = /(?:^|\s)id=(\d+)/.exec(line ?? "")?.[1];
      expect(id).toBeDefined();
      await admin.client("KILL", "ID", id as string);
      await eventually(async () => {
        expect(gateway.invalidation.status().subscriptions).toBe(2);
      });
      expect(await gateway.registry.authenticate(secret)).toBeUndefined();
    });

    describe("tokenwise keys --postgres --redis (the built CLI)", () => {
      const flags = () => [
        "--postgres",
        POSTGRES_TEST_URL,
        "--postgres-schema",
        schema,
        "--redis",
        REDIS_TEST_URL,
      ];

      it("a revocation on the command line reaches a running replica", async () => {
        const gateway = await replica();
        const created = await tokenwise(["keys", "create", "--name", "ci-bot", ...flags()]);
        expect(created.stderr).toBe("");
        expect(created.code).toBe(0);
        const secret = created.stdout.trim().split("\n").at(-1)?.trim() ?? "";
        expect((await gateway.registry.authenticate(secret))?.name).toBe("ci-bot");
        const revoked = await tokenwise(["keys", "revoke", "ci-bot", ...flags()]);
        expect(revoked).toMatchObject({ code: 0, stderr: "" });
        expect(revoked.stdout).toMatch(/^Revoked key ci-bot \(key_[0-9a-f]{16}\)\.\n$/);
        await eventually(async () => {
          expect(await gateway.registry.authenticate(secret)).toBeUndefined();
        });
      });

      it("budget edits on the command line, given by environment, reach a running replica", async () => {
        const gateway = await replica();
        const env = {
          TOKENWISE_POSTGRES_URL: POSTGRES_TEST_URL,
          TOKENWISE_REDIS_URL: REDIS_TEST_URL,
        };
        const schemaFlag = ["--postgres-schema", schema];
        expect((await tokenwise(["teams", "set", "data", ...schemaFlag], env)).code).toBe(0);
        const created = await tokenwise(
          ["keys", "create", "--name", "ci-bot", "--team", "data", "--budget", "5", ...schemaFlag],
          env,
        );
        expect(created.code).toBe(0);
        const secret = created.stdout.trim().split("\n").at(-1)?.trim() ?? "";
        expect((await gateway.registry.authenticate(secret))?.budget?.limit).toBe(usd("5"));
        expect(await gateway.registry.getTeam("data")).toEqual({ name: "data" });
        const updated = await tokenwise(
          ["keys", "update", "ci-bot", "--budget", "0.25", ...schemaFlag],
          env,
        );
        expect(updated).toMatchObject({ code: 0, stderr: "" });
        const team = await tokenwise(
          ["teams", "set", "data", "--budget", "40", ...schemaFlag],
          env,
        );
        expect(team).toMatchObject({ code: 0, stderr: "" });
        await eventually(async () => {
          expect((await gateway.registry.authenticate(secret))?.budget?.limit).toBe(usd("0.25"));
          expect((await gateway.registry.getTeam("data"))?.budget?.limit).toBe(usd("40"));
        });
        const listed = await tokenwise(["keys", "list", "--json", ...schemaFlag], env);
        expect(JSON.parse(listed.stdout)).toMatchObject([{ name: "ci-bot", team: "data" }]);
      });

      it("saves the change and warns when Redis does not answer", async () => {
        const result = await tokenwise([
          "keys",
          "create",
          "--name",
          "ci-bot",
          "--postgres",
          POSTGRES_TEST_URL,
          "--postgres-schema",
          schema,
          "--redis",
          "redis://:hunter2-secret@127.0.0.1:1",
        ]);
        expect(result.code).toBe(0);
        expect(result.stderr).toMatch(
          /^tokenwise: warning: the change is saved in PostgreSQL, but the running gateways could not be told over Redis \(.+\); each sees it within its key cache TTL \(1 s by default\)\.\n$/,
        );
        expect(result.stderr).not.toContain("hunter2");
        expect((await silentWriter().get("ci-bot"))?.name).toBe("ci-bot");
      });
    });
  });
});
