/**
 * The shared engines end to end in one process: a private redis-server (which the tests stop),
 * the shared PostgreSQL in a schema of their own, the mock upstream, and a real gateway.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../../../adapters/mock-upstream/index.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../../../adapters/stores/test-support/postgres-for-tests.js";
import { emptyUsage } from "../../../core/cost/index.js";
import { usd } from "../../../core/money/index.js";
import { parseGatewayConfig } from "../gateway-config.js";
import { resolveGatewayEngines } from "../gateway-engines.js";
import { GatewayError } from "../gateway-failure.js";
import { createJsonLogger } from "../gateway-logger.js";
import { startGateway } from "../start-gateway.js";
import { openGatewayState } from "./open-gateway-state.js";
import {
  type PrivateRedis,
  privateRedisUnavailable,
  startPrivateRedis,
} from "./test-support/private-redis.js";

const UPSTREAM_KEY = "sk-state-upstream-0123456789";
const QUESTION = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What does shared state cost?" }],
  max_tokens: 30,
};

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const noRedis = privateRedisUnavailable();

describeWithPostgres("openGatewayState: Redis + PostgreSQL", () => {
  const pool = newPostgresPool(2);
  const schema = uniquePostgresSchema("gwstate");
  let redis: PrivateRedis;
  let mock: MockUpstream;

  const configWith = (state: Record<string, unknown>) =>
    parseGatewayConfig({
      port: 0,
      upstreams: {
        openai: { kind: "openai", baseUrl: `${mock.url}/v1`, apiKeyEnv: "STATE_OPENAI_KEY" },
      },
      models: { "gpt-4o-mini": { upstream: "openai" } },
      defaults: { cacheTtlMs: 0 },
      state: { postgresSchema: schema, redisTimeoutMs: 300, ...state },
    });
  const rows = async () =>
    (
      await pool.query<{
        request_id: string;
        provider: string;
        metadata: { sharedState?: string };
      }>(
        `SELECT request_id, provider, metadata FROM "${schema}".tokenwise_ledger_spend ORDER BY id`,
      )
    ).rows;

  beforeAll(async () => {
    if (noRedis !== undefined) return;
    redis = await startPrivateRedis();
    mock = await startMockUpstream({ apiKeys: { openai: UPSTREAM_KEY } });
  });

  afterAll(async () => {
    await redis?.stop();
    await mock?.close();
    await dropPostgresSchema(pool, schema);
    await pool.end();
  });

  it.skipIf(noRedis !== undefined)(
    "keeps a row settled while Redis is down, refuses new reservations, and writes the row on close",
    async () => {
      const config = configWith({});
      const engines = resolveGatewayEngines({
        config,
        flags: { redis: redis.url, postgres: POSTGRES_TEST_URL },
        env: {},
      });
      const state = await openGatewayState({ config, engines });
      expect(state.health()).toMatchObject({ status: "ok", engine: "shared" });
      const reservation = await state.ledger.reserve({
        amount: usd("0.01"),
        ttlMs: 60_000,
        budgets: [{ scope: "key:closing", limit: usd("1") }],
      });
      await redis.stop();
      try {
        await until("Redis to count as down", () =>
          state.refusal() !== undefined ? true : undefined,
        );
        const refusal = state.refusal();
        expect(refusal).toBeInstanceOf(GatewayError);
        expect(refusal?.failure).toMatchObject({
          status: 503,
          message: `shared state unavailable: Redis at 127.0.0.1:${redis.port} did not answer; nothing was sent. Retry shortly.`,
        });
        expect(state.health()).toMatchObject({
          status: "unavailable",
          redis: { up: false, failOpen: false },
        });
        await state.ledger.settle(reservation.id, usd("0.004"), {
          model: "gpt-4o-mini",
          provider: "openai",
          usage: emptyUsage(),
          requestId: "req_settled_while_redis_was_down",
        });
        expect(state.health().redis?.chargesWaiting).toBe(1);
        expect(state.health().postgres?.spendRows.buffered).toBe(1);
        // PostgreSQL answers, so the writer sends the row within its flush interval; closing
        // (what SIGTERM does) writes it at once.
        await state.close();
      } finally {
        await redis.start();
      }
      expect((await rows()).map((row) => row.request_id)).toContain(
        "req_settled_while_redis_was_down",
      );
    },
  );

  it.skipIf(noRedis !== undefined)(
    "rebuilds the budget counters from PostgreSQL when Redis comes back without its data, moving no money until then",
    async () => {
      const logs: string[] = [];
      const config = configWith({ redisPrefix: "tokenwise-wiped:" });
      const engines = resolveGatewayEngines({
        config,
        flags: { redis: redis.url, postgres: POSTGRES_TEST_URL },
        env: {},
      });
      const state = await openGatewayState({
        config,
        engines,
        logger: createJsonLogger({ write: (line) => logs.push(line) }),
      });
      const budgets = [{ scope: "key:wiped", limit: usd("1") }];
      try {
        const held = await state.ledger.reserve({ amount: usd("0.9"), ttlMs: 60_000, budgets });
        await state.ledger.settle(held.id, usd("0.75"), {
          model: "gpt-4o-mini",
          // Not "openai": the fail-open test below counts the openai rows of this schema.
          provider: "wipe-test",
          usage: emptyUsage(),
          requestId: "req_before_the_wipe",
        });
        await until("the row in PostgreSQL", async () =>
          (await rows()).some((row) => row.request_id === "req_before_the_wipe") ? true : undefined,
        );
        // Restarted without persistence: every counter, lease and the epoch key are gone.
        await redis.stop();
        await redis.start();
        await until("Redis to answer again", async () => {
          try {
            await state.ledger.reserve({ amount: usd("0.01"), ttlMs: 60_000, budgets });
            return undefined;
          } catch (error) {
            return error instanceof GatewayError && error.failure.message.includes("recovering")
              ? error
              : undefined;
          }
        });
        await until("the counters rebuilt", () =>
          state.refusal() === undefined ? true : undefined,
        );
        expect(logs.some((line) => line.includes("budget counters rebuilt from PostgreSQL"))).toBe(
          true,
        );
        expect(await state.ledger.spent("key:wiped")).toBe(usd("0.75"));
        // Once when it started on a Redis without this prefix's data, once after the wipe.
        expect(state.health().redis).toMatchObject({
          rebuildingCounters: false,
          countersRebuilt: 2,
        });
        // The spend before the wipe still counts: $0.25 is left, not $1.
        await expect(
          state.ledger.reserve({ amount: usd("0.3"), ttlMs: 60_000, budgets }),
        ).rejects.toMatchObject({ code: "budget_exceeded" });
        const fits = await state.ledger.reserve({ amount: usd("0.2"), ttlMs: 60_000, budgets });
        await state.ledger.release(fits.id);
      } finally {
        await state.close();
      }
    },
  );

  it.skipIf(noRedis !== undefined)(
    "with failOpen serves requests WITHOUT budgets while Redis is down, says so, and charges them after",
    async () => {
      const logs: string[] = [];
      const gateway = await startGateway({
        config: configWith({ failOpen: true, redisPrefix: "tokenwise-failopen:" }),
        engines: { redis: redis.url, postgres: POSTGRES_TEST_URL },
        env: { STATE_OPENAI_KEY: UPSTREAM_KEY },
        logger: createJsonLogger({ write: (line) => logs.push(line) }),
      });
      try {
        const { key, secret } = await gateway.state.registry.create({
          name: "fail-open",
          budget: { limit: usd("1"), period: "none", timeZone: "UTC" },
        });
        const ask = () =>
          fetch(`${gateway.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
            body: JSON.stringify(QUESTION),
          });
        const first = await ask();
        expect(first.status).toBe(200);
        const firstCost = usd(first.headers.get("x-tokenwise-cost") ?? "0");
        const firstId = first.headers.get("x-tokenwise-request-id");
        // Its row relayed to PostgreSQL, the durable ledger the counters are rebuilt from.
        await until("the first row in PostgreSQL", async () =>
          (await rows()).some((row) => row.request_id === firstId) ? true : undefined,
        );
        await redis.stop();
        await until("Redis to count as down", () =>
          gateway.state.health().redis?.up === false ? true : undefined,
        );
        const served = await ask();
        expect(served.status).toBe(200);
        const cost = usd(served.headers.get("x-tokenwise-cost") ?? "0");
        expect(cost).toBeGreaterThan(0n);
        expect(gateway.state.health()).toMatchObject({
          status: "degraded",
          redis: { up: false, failOpen: true, failOpenRequests: 1, chargesWaiting: 1 },
        });
        const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
        expect(metrics).toContain("tokenwise_gateway_fail_open_requests_total 1");
        expect(metrics).toContain('tokenwise_gateway_shared_state_up{engine="redis"} 0');
        expect(logs.some((line) => line.includes("WITHOUT budgets"))).toBe(true);

        // Redis comes back empty (no persistence): its counters are rebuilt from PostgreSQL,
        // which holds the first request's row and the fail-open one (written straight to it),
        // so the budget keeps both charges instead of starting over.
        await redis.start();
        await until("the counters rebuilt", async () =>
          gateway.state.health().redis?.chargesWaiting === 0 &&
          gateway.state.health().redis?.up &&
          gateway.state.refusal() === undefined
            ? true
            : undefined,
        );
        expect(logs.some((line) => line.includes("budget counters rebuilt from PostgreSQL"))).toBe(
          true,
        );
        expect(await gateway.state.ledger.spent(`key:${key.id}:none`)).toBe(firstCost + cost);
        expect((await ask()).status).toBe(200);
        const written = await until("every row in PostgreSQL, once", async () => {
          const found = (await rows()).filter((row) => row.provider === "openai");
          return found.length >= 3 ? found : undefined;
        });
        expect(written).toHaveLength(3);
        expect(written.filter((row) => row.metadata?.sharedState === "fail_open")).toHaveLength(1);
      } finally {
        await gateway.close({ drainMs: 1000 });
      }
    },
  );

  it.skipIf(noRedis !== undefined)(
    "announces a revocation made on one replica to the other, long before its key cache expires",
    async () => {
      const config = configWith({ keyCacheTtlMs: 60_000, redisPrefix: "tokenwise-revoke:" });
      const start = () =>
        startGateway({
          config,
          engines: { redis: redis.url, postgres: POSTGRES_TEST_URL },
          env: { STATE_OPENAI_KEY: UPSTREAM_KEY },
          logger: createJsonLogger({ write: () => undefined }),
        });
      const [first, second] = [await start(), await start()];
      try {
        const { key, secret } = await first.state.registry.create({ name: "to-revoke" });
        const ask = (url: string) =>
          fetch(`${url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
            body: JSON.stringify(QUESTION),
          });
        expect((await ask(second.url)).status).toBe(200);
        expect(await first.state.registry.revoke(key.id)).toBe(true);
        // The second replica cached the key for a minute: only the message can make it refuse.
        await until("the second replica to refuse the revoked key", async () =>
          (await ask(second.url)).status === 401 ? true : undefined,
        );
      } finally {
        await first.close({ drainMs: 1000 });
        await second.close({ drainMs: 1000 });
      }
    },
  );
});
