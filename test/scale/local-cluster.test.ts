/**
 * The docker-free local cluster script: private Redis and PostgreSQL on their own ports, the
 * migrations applied, and N replicas that each know where the shared state lives. Needs the
 * built CLI (`npm test` builds first) and the system Redis and PostgreSQL packages.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { shippedMigrations } from "../../src/adapters/stores/index.js";
import { privateClusterUnavailable } from "../../src/adapters/stores/test-support/postgres-private-cluster.js";

const script = fileURLToPath(new URL("../../scripts/local-cluster.mjs", import.meta.url));
// Each replica answers with what it was told about the cluster.
const replica = `require("node:http").createServer((_, response) => response.end(JSON.stringify({
  replica: process.env.TOKENWISE_REPLICA, redis: process.env.TOKENWISE_REDIS_URL,
  postgres: process.env.TOKENWISE_POSTGRES_URL }))).listen(Number(process.env.PORT), "127.0.0.1");`;

interface ClusterState {
  running: boolean;
  redisUrl: string;
  postgresUrl: string;
  replicas: Array<{ index: number; port: number; pid: number; alive?: boolean }>;
}

function cluster(args: string[]): string {
  return execFileSync(process.execPath, [script, ...args], { encoding: "utf8", timeout: 120_000 });
}

/** The replica's answer, polled until it listens; fails with the replica's log after 60 s. */
async function fetchUntilUp(url: string, log: string): Promise<unknown> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await (await fetch(url)).json();
    } catch (error) {
      if (Date.now() > deadline) {
        const output = existsSync(log) ? readFileSync(log, "utf8") : "(no log)";
        throw new Error(
          `${url} did not answer within 60 s (${String(error)}); its log:\n${output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const unavailable = privateClusterUnavailable();

describe.skipIf(unavailable !== undefined)(
  `scripts/local-cluster.mjs${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), "tokenwise-local-cluster-"));
    let started = false;

    afterAll(() => {
      if (started) cluster(["stop", "--dir", dir, "--clean"]);
      rmSync(dir, { recursive: true, force: true });
    });

    it("starts Redis, a migrated PostgreSQL and 2 replicas that know both, then stops them", async () => {
      const output = cluster([
        "start",
        "--dir",
        dir,
        "--replicas",
        "2",
        "--",
        process.execPath,
        "-e",
        replica,
      ]);
      started = true;
      const state = JSON.parse(output.slice(output.indexOf("{"))) as ClusterState;
      expect(state.running).toBe(true);
      expect(state.replicas).toHaveLength(2);
      expect(state.redisUrl).not.toContain(":6379");
      expect(state.postgresUrl).not.toContain(":5432");

      const redis = new Redis(state.redisUrl, { maxRetriesPerRequest: 1 });
      expect(await redis.ping()).toBe("PONG");
      redis.disconnect();
      const client = new pg.Client({ connectionString: state.postgresUrl });
      await client.connect();
      const { rows } = await client.query<{ version: number }>(
        "SELECT max(version) AS version FROM tokenwise.tokenwise_migrations",
      );
      await client.end();
      expect(rows[0]?.version).toBe(shippedMigrations("postgres").length);

      for (const { index, port } of state.replicas) {
        expect(
          await fetchUntilUp(`http://127.0.0.1:${port}/`, join(dir, `replica-${index}.log`)),
        ).toEqual({
          replica: String(index),
          redis: state.redisUrl,
          postgres: state.postgresUrl,
        });
      }
      const status = JSON.parse(cluster(["status", "--dir", dir])) as ClusterState;
      expect(status.replicas.every((each) => each.alive)).toBe(true);

      // One engine at a time goes down and comes back on its port; Redis keeps its data.
      const before = new Redis(state.redisUrl, { maxRetriesPerRequest: 1 });
      await before.set("survives", "yes");
      before.disconnect();
      expect(cluster(["stop-service", "redis", "--dir", dir])).toContain("redis stopped");
      const gone = new Redis(state.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      gone.on("error", () => undefined);
      await expect(gone.connect()).rejects.toThrow();
      gone.disconnect();
      expect(cluster(["start-service", "redis", "--dir", dir])).toContain("redis started");
      const back = new Redis(state.redisUrl, { maxRetriesPerRequest: 1 });
      expect(await back.get("survives")).toBe("yes");
      back.disconnect();
      expect(cluster(["stop-service", "postgres", "--dir", dir])).toContain("postgres stopped");
      const down = new pg.Client({ connectionString: state.postgresUrl });
      await expect(down.connect()).rejects.toThrow();
      expect(cluster(["start-service", "postgres", "--dir", dir])).toContain("postgres started");
      const up = new pg.Client({ connectionString: state.postgresUrl });
      await up.connect();
      await up.end();

      expect(cluster(["stop", "--dir", dir])).toContain("stopped the cluster");
      started = false;
      const after = JSON.parse(cluster(["status", "--dir", dir])) as ClusterState;
      expect(after.running).toBe(false);
      // Processes take a moment to exit; the test timeout bounds the wait.
      for (;;) {
        const current = JSON.parse(cluster(["status", "--dir", dir])) as ClusterState & {
          redisAlive: boolean;
        };
        if (!current.redisAlive && current.replicas.every((each) => !each.alive)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // initdb and two restarts of each engine take a while on a loaded machine.
    }, 180_000);
  },
);
