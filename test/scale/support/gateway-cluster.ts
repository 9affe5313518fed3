/**
 * N real gateway processes (`tokenwise gateway` from dist/) sharing the PRIVATE Redis and
 * PostgreSQL that scripts/local-cluster.mjs starts on free ports, so a test may stop either
 * engine without touching the machine's shared servers. The mock upstream runs in the test
 * process and counts every call that reaches it.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { createRedisLedger, type Ledger } from "../../../src/adapters/ledger/index.js";
import { type MockUpstream, startMockUpstream } from "../../../src/adapters/mock-upstream/index.js";
import { createPostgresKeyRegistry } from "../../../src/apps/gateway/keys/index.js";
import type { CreateKeyInput, KeyRegistry } from "../../../src/apps/gateway/keys/types.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const script = join(root, "scripts", "local-cluster.mjs");
const cli = join(root, "dist", "faces", "cli", "main.js");

export const UPSTREAM_KEY = "sk-scale-upstream-0123456789";
export const MASTER_KEY = "tw-scale-master-0123456789";

export interface Replica {
  index: number;
  port: number;
  pid: number;
  url: string;
}

export interface GatewayCluster {
  dir: string;
  mock: MockUpstream;
  replicas: Replica[];
  redisUrl: string;
  postgresUrl: string;
  /** A pool on the cluster's PostgreSQL (schema "tokenwise"). */
  pool: pg.Pool;
  redis: Redis;
  /** The gateways' Redis ledger, read from the test (prefix "tokenwise:ledger:"). */
  ledger: Ledger;
  registry: KeyRegistry;
  key(input: Partial<CreateKeyInput>): Promise<{ id: string; secret: string }>;
  stopService(name: "redis" | "postgres"): void;
  startService(name: "redis" | "postgres"): void;
  /** SIGKILL of the replica's whole process group; resolves once it is gone. */
  kill(replica: Replica): Promise<void>;
  /** The last lines of every replica's log, for a failing test's message. */
  logs(lines?: number): string;
  close(): Promise<void>;
}

/** Why the cluster cannot run here (no Redis or PostgreSQL packages, not root), or undefined. */
export function clusterUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to run PostgreSQL as the postgres user";
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
  } catch {
    return "redis-server is not installed";
  }
  if (!existsSync("/usr/lib/postgresql")) return "PostgreSQL is not installed";
  if (!existsSync(cli)) return "dist/ is missing: run npm run build";
  return undefined;
}

function cluster(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, [script, ...args], {
    encoding: "utf8",
    timeout: 120_000,
    env,
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startGatewayCluster(options: {
  replicas: number;
  /** The gateway config's `defaults` and `state` (the URLs come from the environment). */
  defaults?: Record<string, unknown>;
  state?: Record<string, unknown>;
}): Promise<GatewayCluster> {
  const dir = mkdtempSync(join(tmpdir(), "tokenwise-scale-"));
  // PostgreSQL runs as the postgres user, which must reach the cluster directory inside.
  chmodSync(dir, 0o755);
  const mock = await startMockUpstream({ apiKeys: { openai: UPSTREAM_KEY } });
  const configPath = join(dir, "gateway.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      host: "127.0.0.1",
      upstreams: {
        openai: { kind: "openai", baseUrl: `${mock.url}/v1`, apiKeyEnv: "SCALE_OPENAI_KEY" },
      },
      models: { "gpt-4o-mini": { upstream: "openai" } },
      defaults: { cacheTtlMs: 0, ...options.defaults },
      state: options.state ?? {},
    }),
  );
  const clusterDir = join(dir, "cluster");
  const output = cluster(
    [
      "start",
      "--dir",
      clusterDir,
      "--replicas",
      String(options.replicas),
      "--",
      process.execPath,
      cli,
      "gateway",
      "--config",
      configPath,
    ],
    { ...process.env, SCALE_OPENAI_KEY: UPSTREAM_KEY, TOKENWISE_MASTER_KEY: MASTER_KEY },
  );
  const state = JSON.parse(output.slice(output.indexOf("{\n"))) as {
    redisUrl: string;
    postgresUrl: string;
    replicas: Array<{ index: number; port: number; pid: number }>;
  };
  const replicas = state.replicas.map((replica) => ({
    ...replica,
    url: `http://127.0.0.1:${replica.port}`,
  }));
  const pool = new pg.Pool({ connectionString: state.postgresUrl, max: 4 });
  pool.on("error", () => undefined);
  const redis = new Redis(state.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  const ledger = createRedisLedger({ client: redis, prefix: "tokenwise:ledger:" });
  const registry = createPostgresKeyRegistry({ pool, schema: "tokenwise", migrate: false });
  const logs = (lines = 20) =>
    replicas
      .map((replica) => {
        const path = join(clusterDir, `replica-${replica.index}.log`);
        const text = existsSync(path) ? readFileSync(path, "utf8") : "(no log)";
        return `--- replica ${replica.index}\n${text.split("\n").slice(-lines).join("\n")}`;
      })
      .join("\n");
  const handle: GatewayCluster = {
    dir: clusterDir,
    mock,
    replicas,
    redisUrl: state.redisUrl,
    postgresUrl: state.postgresUrl,
    pool,
    redis,
    ledger,
    registry,
    async key(input) {
      const issued = await registry.create({
        name: `scale-${Math.random().toString(36).slice(2)}`,
        ...input,
      });
      return { id: issued.key.id, secret: issued.secret };
    },
    stopService: (name) => void cluster(["stop-service", name, "--dir", clusterDir]),
    startService: (name) => void cluster(["start-service", name, "--dir", clusterDir]),
    async kill(replica) {
      process.kill(-replica.pid, "SIGKILL");
      await waitFor(`replica ${replica.index} to die`, () => {
        try {
          process.kill(replica.pid, 0);
          return undefined;
        } catch {
          return true;
        }
      });
    },
    logs,
    async close() {
      await registry.close().catch(() => undefined);
      await ledger.close().catch(() => undefined);
      redis.disconnect();
      await pool.end().catch(() => undefined);
      try {
        cluster(["stop", "--dir", clusterDir, "--clean"]);
      } finally {
        await mock.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    for (const replica of replicas) {
      await waitFor(
        `replica ${replica.index} to be healthy`,
        async () => ((await fetch(`${replica.url}/healthz`)).status === 200 ? true : undefined),
        60_000,
      );
    }
  } catch (error) {
    const message = `${error instanceof Error ? error.message : String(error)}\n${logs()}`;
    await handle.close();
    throw new Error(message);
  }
  return handle;
}

/** One chat completion through `replica`; resolves to the status, headers and body text. */
export async function chat(
  replica: Replica,
  secret: string,
  body: Record<string, unknown>,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${replica.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", ...body }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Spend rows in the cluster's PostgreSQL for one key (any scope whose name starts with it). */
export async function rowsOf(
  pool: pg.Pool,
  keyId: string,
): Promise<Array<{ request_id: string; provider: string; cost: string; scope: string }>> {
  const { rows } = await pool.query<{
    request_id: string;
    provider: string;
    cost: string;
    scope: string;
  }>(
    "SELECT request_id, provider, cost::text AS cost, scope FROM tokenwise.tokenwise_ledger_spend WHERE scope LIKE $1",
    [`key:${keyId}%`],
  );
  return rows;
}
