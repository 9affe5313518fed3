/**
 * A replica killed with SIGKILL never settles or releases its reservation. Its lease must run
 * out by itself, and the money return to the budget, on every shared ledger engine; while the
 * replica lives and renews, the lease must keep holding past its first TTL.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Ledger } from "../../src/adapters/ledger/ledger.js";
import { createPostgresLedger } from "../../src/adapters/ledger/postgres-ledger.js";
import { createRedisLedger } from "../../src/adapters/ledger/redis-ledger.js";
import { compileForNode } from "../../src/adapters/ledger/test-support/compile-for-node.js";
import type {
  LeaseJob,
  LeaseReport,
} from "../../src/adapters/ledger/test-support/postgres-lease-worker.js";
import {
  startWorker,
  type WorkerProcess,
} from "../../src/adapters/ledger/test-support/worker-process.js";
import { migratePostgres } from "../../src/adapters/stores/migrations/postgres-migrator.js";
import { sleep } from "../../src/adapters/stores/test-support/manual-clock.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../../src/adapters/stores/test-support/postgres-for-tests.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  REDIS_TEST_URL,
  uniqueRedisPrefix,
} from "../../src/adapters/stores/test-support/redis-for-tests.js";
import { usd } from "../../src/core/money/index.js";

const TTL_MS = 800;
const limit = usd("1");

let compiled: { entry: string; directory: string };

beforeAll(() => {
  compiled = compileForNode("adapters/ledger/test-support/postgres-lease-worker.ts");
});

afterAll(() => {
  rmSync(compiled.directory, { recursive: true, force: true });
});

/** A replica holding a lease; a replica that fails or exits instead of answering rejects at once. */
async function startReplica(job: LeaseJob): Promise<{ replica: WorkerProcess; id: string }> {
  const replica = startWorker(compiled.entry, "replica");
  let report: LeaseReport;
  try {
    report = await replica.request<LeaseReport>(job);
  } catch (error) {
    replica.kill("SIGKILL");
    throw error;
  }
  if ("error" in report) {
    replica.kill("SIGKILL");
    throw new Error(`replica could not reserve: ${report.error}`);
  }
  return { replica, id: report.id };
}

async function killed(replica: WorkerProcess): Promise<NodeJS.Signals | null> {
  replica.kill("SIGKILL");
  return (await replica.exited).signal;
}

/** The scenario, the same on every engine. */
async function leaseOutlivesNoReplica(
  ledger: Ledger,
  job: Omit<LeaseJob, "scope" | "amount" | "limit" | "ttlMs" | "renewEveryMs">,
) {
  const scope = "team:lease";
  const { replica, id } = await startReplica({
    ...job,
    scope,
    amount: usd("0.6").toString(),
    limit: limit.toString(),
    ttlMs: TTL_MS,
    renewEveryMs: TTL_MS / 4,
  });
  let signal: NodeJS.Signals | null;
  try {
    // Alive and renewing: the lease holds well past its first TTL.
    await sleep(TTL_MS * 2);
    expect(await ledger.reserved(scope)).toBe(usd("0.6"));
    await expect(
      ledger.reserve({ scope, amount: usd("0.5"), ttlMs: 60_000, limit }),
    ).rejects.toMatchObject({ code: "budget_exceeded" });
  } finally {
    // Never left renewing after a failed expectation.
    signal = await killed(replica);
  }
  expect(signal).toBe("SIGKILL");
  // Nobody settles or releases it now; the lease runs out (the test timeout bounds the wait).
  while ((await ledger.reserved(scope)) !== 0n) await sleep(50);
  expect(await ledger.remaining(scope, limit)).toBe(limit);
  const whole = await ledger.reserve({ scope, amount: limit, ttlMs: 60_000, limit });
  expect(await ledger.renew(id, 60_000)).toBeUndefined();
  await ledger.settle(whole.id, usd("0.25"));
  expect(await ledger.spent(scope)).toBe(usd("0.25"));
}

describeWithPostgres("a replica killed with -9 (PostgreSQL ledger)", () => {
  const pool = newPostgresPool(2);
  const schema = uniquePostgresSchema("lease_kill");

  afterAll(async () => {
    await dropPostgresSchema(pool, schema);
    await pool.end();
  });

  it("loses its lease after the lease time, and the money returns to the budget", async () => {
    await migratePostgres({ pool, schema });
    const ledger = createPostgresLedger({ pool, schema, migrate: false });
    await leaseOutlivesNoReplica(ledger, {
      engine: "postgres",
      url: POSTGRES_TEST_URL,
      namespace: schema,
    });
    await ledger.close();
  });
});

describeWithRedis("a replica killed with -9 (Redis ledger)", () => {
  const client = newRedisClient();
  const prefix = uniqueRedisPrefix("lease-kill");

  afterAll(async () => {
    await deleteRedisPrefix(client, prefix);
    await client.quit();
  });

  it("loses its lease after the lease time, and the money returns to the budget", async () => {
    const ledger = createRedisLedger({ client, prefix });
    await leaseOutlivesNoReplica(ledger, {
      engine: "redis",
      url: REDIS_TEST_URL,
      namespace: prefix,
    });
    await ledger.close();
  });
});
