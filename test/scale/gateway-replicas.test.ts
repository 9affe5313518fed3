/**
 * Gateway replicas at scale: real `tokenwise gateway` processes sharing a private Redis and
 * PostgreSQL (scripts/local-cluster.mjs), which the tests stop and start; the machine's shared
 * servers are never touched. One cluster serves the scenarios in order:
 * 1. 4 replicas, 2,000 concurrent requests round-robin, a budget that fits about 150: the cap
 *    holds once in total, every request has exactly one ledger row, served rows match the
 *    upstream's calls, and no reservation is left behind.
 * 2. kill -9 of a replica holding 50 in-flight streams: its leases run out after the lease time
 *    and the budget is whole again; no settled row is lost or doubled.
 * 3. PostgreSQL stopped for 10 s under load: every request is still served and, once it is
 *    back, accounted for exactly once.
 * 4. Redis stopped: paid requests are refused with 503 in each caller's wire format, and none
 *    reaches the upstream; it serves again once Redis is back.
 * 5. PostgreSQL down long enough to fill the spend backlog: paid requests get 503 until the rows
 *    are written, and none is dropped.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { worstCaseCost } from "../../src/apps/client/index.js";
import { parseGatewayConfig } from "../../src/apps/gateway/gateway-config.js";
import { createJsonLogger } from "../../src/apps/gateway/gateway-logger.js";
import { startGateway } from "../../src/apps/gateway/start-gateway.js";
import { defaultCatalog } from "../../src/core/catalog/index.js";
import { toDecimalString, usd } from "../../src/core/money/index.js";
import {
  chat,
  clusterUnavailable,
  type GatewayCluster,
  type Replica,
  rowsOf,
  startGatewayCluster,
  UPSTREAM_KEY,
  waitFor,
} from "./support/gateway-cluster.js";

const cli = fileURLToPath(new URL("../../dist/faces/cli/main.js", import.meta.url));
const LEASE_MS = 3000;
const MODEL = defaultCatalog.get("gpt-4o-mini");
const QUESTION = {
  messages: [{ role: "user", content: "How much will this question cost me?" }],
  max_tokens: 40,
  temperature: 0,
};
const worstOf = (body: Record<string, unknown>) =>
  worstCaseCost({ model: "gpt-4o-mini", ...body } as never, MODEL).amount;
const scopeOf = (keyId: string) => `key:${keyId}:none`;
const budget = (limit: bigint) => ({ budget: { limit, period: "none" as const, timeZone: "UTC" } });
const chatCalls = (cluster: GatewayCluster) =>
  cluster.mock.requests.filter(
    (request) => request.operation === "chat" || request.operation === "stream",
  ).length;

const unavailable = clusterUnavailable();

describe.skipIf(unavailable !== undefined)(
  `gateway replicas on shared Redis + PostgreSQL${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`,
  () => {
    let cluster: GatewayCluster;

    beforeAll(async () => {
      cluster = await startGatewayCluster({
        replicas: 4,
        defaults: { reservationTtlMs: LEASE_MS },
        state: { redisTimeoutMs: 1000 },
      });
      // initdb, migrations and four replicas coming up take a while on a loaded machine.
    }, 240_000);

    afterAll(async () => {
      await cluster?.close();
    }, 60_000);

    const showLogs = () => onTestFailed(() => console.error(cluster.logs(40)));

    it("holds one budget across 4 replicas under 2,000 concurrent requests", async () => {
      showLogs();
      const worst = worstOf(QUESTION);
      const limit = worst * 150n;
      const key = await cluster.key(budget(limit));
      // Calls last long enough that the 2,000 overlap: the cap is tested, not the ordering.
      cluster.mock.setBehavior({ latencyMs: 400, streamChunkDelayMs: 0 });
      const callsBefore = chatCalls(cluster);
      const responses = await Promise.all(
        Array.from({ length: 2000 }, (_, index) =>
          chat(cluster.replicas[index % 4] as Replica, key.secret, QUESTION),
        ),
      );
      const statuses = new Map<number, number>();
      for (const { status } of responses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const served = statuses.get(200) ?? 0;
      const unexpected = responses.filter((response) => ![200, 429].includes(response.status));
      expect(unexpected.map((response) => `${response.status} ${response.text}`)).toEqual([]);
      expect([...statuses.keys()].sort()).toEqual([200, 429]);
      expect(served).toBeGreaterThanOrEqual(150);
      // Every served request settled before it answered: nothing may still be held.
      const active = `tokenwise:ledger:active:${encodeURIComponent(scopeOf(key.id))}`;
      expect(await cluster.redis.zcard(active)).toBe(0);
      expect(await cluster.ledger.reserved(scopeOf(key.id))).toBe(0n);

      const upstreamCalls = chatCalls(cluster) - callsBefore;
      expect(upstreamCalls).toBe(served);
      const rows = await waitFor(
        "a ledger row for each of the 2,000 requests",
        async () => {
          const found = await rowsOf(cluster.pool, key.id);
          return found.length >= 2000 ? found : undefined;
        },
        60_000,
      );
      expect(rows).toHaveLength(2000);
      expect(new Set(rows.map((row) => row.request_id)).size).toBe(2000);
      expect(new Set(rows.map((row) => row.request_id))).toEqual(
        new Set(responses.map((response) => response.headers.get("x-tokenwise-request-id"))),
      );
      const servedRows = rows.filter((row) => row.provider !== "gateway");
      expect(servedRows).toHaveLength(upstreamCalls);
      const recorded = servedRows.reduce((sum, row) => sum + BigInt(row.cost), 0n);
      expect(recorded).toBeLessThanOrEqual(limit);
      expect(await cluster.ledger.spent(scopeOf(key.id))).toBe(recorded);
      // Reports read the same rows from PostgreSQL.
      const report = JSON.parse(
        execFileSync(
          process.execPath,
          [cli, "report", "--ledger", cluster.postgresUrl, "--key", key.id, "--json"],
          { encoding: "utf8" },
        ),
      ) as { totals: { calls: number; cost: string } };
      expect(report.totals).toMatchObject({ calls: 2000, cost: toDecimalString(recorded) });
    }, 180_000);

    it("gives a killed replica's 50 in-flight streams back to the budget after the lease", async () => {
      showLogs();
      const victim = cluster.replicas[3] as Replica;
      const stream = {
        messages: [
          {
            role: "user",
            content:
              "Tell me slowly about replicas leases budgets and what happens when a process dies in the middle of a long answer",
          },
        ],
        max_tokens: 100,
        stream: true,
      };
      const worstStream = worstOf(stream);
      const limit = worstStream * 200n;
      const key = await cluster.key(budget(limit));
      const scope = scopeOf(key.id);
      cluster.mock.setBehavior({ latencyMs: 0, streamChunkDelayMs: 0 });
      // Settled on every replica before the streams open...
      const early = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          chat(cluster.replicas[index % 4] as Replica, key.secret, QUESTION),
        ),
      );

      // ...then 50 slow streams on the victim, each holding its worst case once its headers
      // are in...
      cluster.mock.setBehavior({ streamChunkDelayMs: 400 });
      const controllers = Array.from({ length: 50 }, () => new AbortController());
      const open = await Promise.all(
        controllers.map((controller) =>
          fetch(`${victim.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "gpt-4o-mini", ...stream }),
            signal: controller.signal,
          }),
        ),
      );
      expect(open.map((response) => response.status)).toEqual(Array(50).fill(200));
      const bodies = open.map((response) => response.text().catch(() => "cut"));
      // ...and, the instant before the kill, a few settled on the victim itself.
      const late = await Promise.all(
        Array.from({ length: 4 }, () => chat(victim, key.secret, QUESTION)),
      );
      const quick = [...early, ...late];
      expect(quick.map((response) => response.status)).toEqual(Array(12).fill(200));
      const settled = quick.reduce(
        (sum, response) => sum + usd(response.headers.get("x-tokenwise-cost") ?? "0"),
        0n,
      );
      // Each stream holds a live lease on the budget when the replica dies.
      expect(await cluster.ledger.reserved(scope)).toBe(worstStream * 50n);
      const active = `tokenwise:ledger:active:${encodeURIComponent(scope)}`;
      expect(await cluster.redis.zcard(active)).toBe(50);
      await cluster.kill(victim);
      const cut = await Promise.all(bodies);
      expect(cut.every((text) => !text.includes("[DONE]"))).toBe(true);
      // Nobody releases them: they run out by themselves, within a lease of the last renewal,
      // and the budget is whole again.
      await waitFor(
        "the killed replica's leases to run out",
        async () => ((await cluster.ledger.reserved(scope)) === 0n ? true : undefined),
        LEASE_MS * 5,
      );
      expect(await cluster.redis.zcard(active)).toBe(0);
      expect(await cluster.ledger.spent(scope)).toBe(settled);
      expect(await cluster.ledger.remaining(scope, limit)).toBe(limit - settled);

      const rows = await waitFor("the settled rows", async () => {
        const found = await rowsOf(cluster.pool, key.id);
        return found.length >= 12 ? found : undefined;
      });
      // Give a stray row time to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const final = await rowsOf(cluster.pool, key.id);
      expect(final).toHaveLength(12);
      expect(new Set(final.map((row) => row.request_id))).toEqual(
        new Set(quick.map((response) => response.headers.get("x-tokenwise-request-id"))),
      );
      expect(rows.reduce((sum, row) => sum + BigInt(row.cost), 0n)).toBe(settled);
    }, 120_000);

    it("keeps serving while PostgreSQL is stopped for 10 s, and accounts for every request", async () => {
      showLogs();
      const live = cluster.replicas.slice(0, 3);
      const key = await cluster.key(budget(usd("50")));
      cluster.mock.setBehavior({ latencyMs: 20, streamChunkDelayMs: 0 });
      // Each replica sees the key once while PostgreSQL answers.
      for (const replica of live)
        expect((await chat(replica, key.secret, QUESTION)).status).toBe(200);
      const callsBefore = chatCalls(cluster);
      const results: Array<{ status: number; requestId: string | null; text: string }> = [];
      let running = true;
      const worker = async (offset: number) => {
        for (let index = offset; running; index += 6) {
          const response = await chat(live[index % 3] as Replica, key.secret, QUESTION);
          results.push({
            status: response.status,
            requestId: response.headers.get("x-tokenwise-request-id"),
            text: response.text,
          });
        }
      };
      const workers = Array.from({ length: 6 }, (_, offset) => worker(offset));
      try {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        cluster.stopService("postgres");
        const stoppedAt = Date.now();
        const degraded = await waitFor("a replica to report PostgreSQL down", async () => {
          const health = (await (await fetch(`${live[0]?.url}/healthz`)).json()) as {
            status: string;
            postgres: { up: boolean; spendRows: { pending: number } };
          };
          return health.postgres.up === false && health.postgres.spendRows.pending > 0
            ? health
            : undefined;
        });
        expect(degraded.status).toBe("degraded");
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - stoppedAt))),
        );
        cluster.startService("postgres");
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        running = false;
        await Promise.all(workers);
      }
      const failed = results.filter((result) => result.status !== 200);
      expect(failed.map((result) => `${result.status} ${result.text.slice(0, 200)}`)).toEqual([]);
      expect(results.length).toBeGreaterThan(30);
      const total = results.length + live.length;
      const rows = await waitFor(
        "every request's row in PostgreSQL",
        async () => {
          const found = await rowsOf(cluster.pool, key.id);
          return found.length >= total ? found : undefined;
        },
        60_000,
      );
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((row) => row.request_id)).size).toBe(total);
      for (const result of results)
        expect(rows.some((row) => row.request_id === result.requestId)).toBe(true);
      expect(rows.filter((row) => row.provider !== "gateway")).toHaveLength(
        chatCalls(cluster) - callsBefore + live.length,
      );
      const recorded = rows.reduce((sum, row) => sum + BigInt(row.cost), 0n);
      expect(await cluster.ledger.spent(scopeOf(key.id))).toBe(recorded);
    }, 120_000);

    it("refuses paid requests with 503 while Redis is stopped, none reaching the upstream", async () => {
      showLogs();
      const live = cluster.replicas.slice(0, 3);
      const key = await cluster.key(budget(usd("5")));
      cluster.mock.setBehavior({ latencyMs: 0, streamChunkDelayMs: 0 });
      expect((await chat(live[0] as Replica, key.secret, QUESTION)).status).toBe(200);
      const callsBefore = cluster.mock.requests.length;
      cluster.stopService("redis");
      try {
        for (const replica of live) {
          await waitFor(`replica ${replica.index} to notice`, async () =>
            (await fetch(`${replica.url}/healthz`)).status === 503 ? true : undefined,
          );
        }
        const health = (await (await fetch(`${live[1]?.url}/healthz`)).json()) as {
          status: string;
          redis: { up: boolean };
        };
        expect(health).toMatchObject({ status: "unavailable", redis: { up: false } });
        const message = `shared state unavailable: Redis at ${new URL(cluster.redisUrl).host} did not answer; nothing was sent`;
        const headers = {
          authorization: `Bearer ${key.secret}`,
          "content-type": "application/json",
        };
        for (const replica of live) {
          const openai = await chat(replica, key.secret, QUESTION);
          expect(openai.status).toBe(503);
          expect(JSON.parse(openai.text).error.message).toContain(message);
          const streamed = await chat(replica, key.secret, { ...QUESTION, stream: true });
          expect(streamed.status).toBe(503);
          expect(JSON.parse(streamed.text).error.message).toContain(message);
          const anthropic = await fetch(`${replica.url}/v1/messages`, {
            method: "POST",
            headers: { "x-api-key": key.secret, "content-type": "application/json" },
            body: JSON.stringify({
              model: "gpt-4o-mini",
              max_tokens: 40,
              messages: QUESTION.messages,
            }),
          });
          expect(anthropic.status).toBe(503);
          const anthropicBody = (await anthropic.json()) as {
            type: string;
            error: { message: string };
          };
          expect(anthropicBody.type).toBe("error");
          expect(anthropicBody.error.message).toContain(message);
          const responses = await fetch(`${replica.url}/v1/responses`, {
            method: "POST",
            headers,
            body: JSON.stringify({ model: "gpt-4o-mini", input: "Hi", max_output_tokens: 40 }),
          });
          expect(responses.status).toBe(503);
          const embeddings = await fetch(`${replica.url}/v1/embeddings`, {
            method: "POST",
            headers,
            body: JSON.stringify({ model: "gpt-4o-mini", input: "Hi" }),
          });
          expect(embeddings.status).toBe(503);
        }
        expect(cluster.mock.requests.length).toBe(callsBefore);
      } finally {
        cluster.startService("redis");
      }
      for (const replica of live) {
        await waitFor(`replica ${replica.index} to serve again`, async () =>
          (await fetch(`${replica.url}/healthz`)).status === 200 ? true : undefined,
        );
        expect((await chat(replica, key.secret, QUESTION)).status).toBe(200);
      }
    }, 120_000);

    it("refuses paid requests with 503 once the spend backlog is full, and drops no row", async () => {
      showLogs();
      const logs: string[] = [];
      const config = parseGatewayConfig({
        port: 0,
        upstreams: {
          openai: {
            kind: "openai",
            baseUrl: `${cluster.mock.url}/v1`,
            apiKeyEnv: "SCALE_OPENAI_KEY",
          },
        },
        models: { "gpt-4o-mini": { upstream: "openai" } },
        defaults: { cacheTtlMs: 0 },
        // Its own Redis keys (and so its own outbox), so only its rows count toward the bound.
        state: { redisPrefix: "tokenwise-backlog:", maxPendingSpendRows: 8, redisTimeoutMs: 500 },
      });
      const gateway = await startGateway({
        config,
        engines: { redis: cluster.redisUrl, postgres: cluster.postgresUrl },
        env: { SCALE_OPENAI_KEY: UPSTREAM_KEY },
        logger: createJsonLogger({ write: (line) => logs.push(line) }),
      });
      const replica = { index: 9, port: gateway.port, pid: process.pid, url: gateway.url };
      try {
        const key = await cluster.key(budget(usd("5")));
        expect((await chat(replica, key.secret, QUESTION)).status).toBe(200);
        await waitFor("the first row to be written", async () =>
          (await rowsOf(cluster.pool, key.id)).length === 1 ? true : undefined,
        );
        cluster.stopService("postgres");
        let served = 1;
        let refusal: { status: number; text: string } | undefined;
        try {
          for (let attempt = 0; attempt < 40 && refusal === undefined; attempt++) {
            const response = await chat(replica, key.secret, QUESTION);
            if (response.status === 200) served += 1;
            else refusal = response;
          }
          if (refusal === undefined) {
            console.error("no refusal after", served, JSON.stringify(gateway.state.health()));
          }
          expect(refusal?.status).toBe(503);
          // The bound holds to the row for this replica's own rows: 8 waiting, then refused.
          expect(served).toBeGreaterThanOrEqual(8);
          expect(served).toBeLessThanOrEqual(9);
          expect(JSON.parse(refusal?.text ?? "{}").error.message).toMatch(
            /^spend ledger backlog full: \d+ spend rows are waiting for PostgreSQL at 127\.0\.0\.1:\d+ \(at most 8\); nothing was sent/,
          );
          const health = gateway.state.health();
          expect(health.status).toBe("unavailable");
          expect(health.postgres?.spendRows.pending).toBeGreaterThanOrEqual(8);
          expect(health.postgres?.spendRows.refused).toBe(0);
          expect((await fetch(`${gateway.url}/healthz`)).status).toBe(503);
          // Still refused, and still nothing lost, while it stays down.
          expect((await chat(replica, key.secret, QUESTION)).status).toBe(503);
        } finally {
          cluster.startService("postgres");
        }
        await waitFor(
          "the backlog to drain",
          () => (gateway.state.health().postgres?.spendRows.pending === 0 ? true : undefined),
          30_000,
        );
        expect((await chat(replica, key.secret, QUESTION)).status).toBe(200);
        served += 1;
        const rows = await waitFor("every served row", async () => {
          const found = await rowsOf(cluster.pool, key.id);
          return found.length >= served ? found : undefined;
        });
        expect(rows).toHaveLength(served);
        expect(rows.every((row) => row.provider !== "gateway")).toBe(true);
        expect(gateway.state.health().postgres?.spendRows.refused).toBe(0);
        expect(logs.some((line) => line.includes('"spend could not be kept"'))).toBe(false);
      } finally {
        await gateway.close({ drainMs: 1000 });
      }
    }, 120_000);
  },
);
