/**
 * A replica holding one lease: it reserves on a shared ledger (PostgreSQL or Redis), tells the
 * parent, and renews the lease until it is killed. The parent kills it with SIGKILL to show the
 * lease, and the money, come back after the lease time without anyone settling it. A reserve
 * that fails is reported as `{ error }`; any other failure reaches the parent through
 * `reportWorkerFailures`.
 */
import type { Ledger } from "../ledger.js";
import { createPostgresLedger } from "../postgres-ledger.js";
import { createRedisLedger } from "../redis-ledger.js";
import { reportWorkerFailures } from "./worker-failures.js";

export interface LeaseJob {
  engine: "postgres" | "redis";
  url: string;
  /** PostgreSQL schema or Redis key prefix. */
  namespace: string;
  scope: string;
  amount: string;
  limit: string;
  ttlMs: number;
  renewEveryMs: number;
}

export type LeaseReport = { id: string; expiresAt: number } | { error: string };

function open(job: LeaseJob): Ledger {
  if (job.engine === "postgres") {
    // The parent migrated the schema; this compiled copy does not ship the SQL files.
    return createPostgresLedger({ url: job.url, schema: job.namespace, migrate: false });
  }
  return createRedisLedger({ url: job.url, prefix: job.namespace });
}

reportWorkerFailures();
process.once("message", async (job: LeaseJob) => {
  const ledger = open(job);
  try {
    const { id, expiresAt } = await ledger.reserve({
      scope: job.scope,
      amount: BigInt(job.amount),
      ttlMs: job.ttlMs,
      limit: BigInt(job.limit),
    });
    setInterval(() => {
      void ledger.renew(id, job.ttlMs);
    }, job.renewEveryMs);
    process.send?.({ id, expiresAt } satisfies LeaseReport);
  } catch (error) {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
  }
});
