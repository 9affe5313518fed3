import { rmSync } from "node:fs";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emptyUsage } from "../../core/cost/index.js";
import { migratePostgres } from "../stores/index.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../stores/test-support/postgres-for-tests.js";
import {
  type PrivateCluster,
  privateClusterUnavailable,
  startPrivateCluster,
} from "../stores/test-support/postgres-private-cluster.js";
import { createPostgresSpendWriter, type SpendWrite } from "./postgres-spend-writer.js";
import { compileForNode } from "./test-support/compile-for-node.js";
import type { SpendWriterJob } from "./test-support/postgres-spend-writer-worker.js";
import { startWorker } from "./test-support/worker-process.js";

function spend(index: number, overrides: Partial<SpendWrite> = {}): SpendWrite {
  return {
    requestId: `req-${index}`,
    scope: `team-${index % 3}`,
    model: "gpt-4o",
    provider: "openai",
    usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 10 },
    cost: 1_000_000_007n,
    ...overrides,
  };
}

async function countRows(pool: pg.Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".tokenwise_ledger_spend`,
  );
  return Number(rows[0]?.n);
}

async function spentBy(pool: pg.Pool, schema: string): Promise<Record<string, bigint>> {
  const { rows } = await pool.query<{ scope: string; spent: string }>(
    `SELECT scope, spent FROM "${schema}".tokenwise_ledger_scopes ORDER BY scope`,
  );
  return Object.fromEntries(rows.map((row) => [row.scope, BigInt(row.spent)]));
}

/** Polls until `check` holds; the test's own timeout bounds the wait. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describeWithPostgres("createPostgresSpendWriter", () => {
  const pool = newPostgresPool();
  let schema: string;

  beforeEach(async () => {
    schema = uniquePostgresSchema("spend_writer");
    await migratePostgres({ pool, schema });
  });

  afterEach(async () => {
    await dropPostgresSchema(pool, schema);
  });

  afterAll(async () => {
    await pool.end();
  });

  it("writes in batches of maxBatchRows and charges each scope exactly", async () => {
    const writer = createPostgresSpendWriter({
      pool,
      schema,
      maxBatchRows: 500,
      flushIntervalMs: 600_000,
    });
    for (let index = 0; index < 1200; index++) expect(writer.write(spend(index))).toBe(true);
    // Full batches started flushing on their own; this flush waits for them and the rest.
    expect(await writer.flush()).toMatchObject({ pending: 0 });
    expect(await countRows(pool, schema)).toBe(1200);
    expect(await spentBy(pool, schema)).toEqual({
      "team-0": 400n * 1_000_000_007n,
      "team-1": 400n * 1_000_000_007n,
      "team-2": 400n * 1_000_000_007n,
    });
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 1200, healthy: true });
    await writer.close();
  });

  it("writes a request id once: a replayed batch charges nothing again", async () => {
    const writer = createPostgresSpendWriter({ pool, schema, flushIntervalMs: 600_000 });
    for (let index = 0; index < 10; index++) writer.write(spend(index));
    await writer.flush();
    for (let index = 5; index < 15; index++) writer.write(spend(index));
    writer.write(spend(14));
    expect(await writer.flush()).toEqual({ written: 5, duplicates: 6, pending: 0 });
    expect(await countRows(pool, schema)).toBe(15);
    const total = Object.values(await spentBy(pool, schema)).reduce((sum, each) => sum + each, 0n);
    expect(total).toBe(15n * 1_000_000_007n);
    expect(writer.stats()).toMatchObject({ written: 15, duplicates: 6 });
    await writer.close();
  });

  it("flushes by itself after flushIntervalMs, and at once when a batch is full", async () => {
    const timed = createPostgresSpendWriter({ pool, schema, flushIntervalMs: 20 });
    timed.write(spend(1));
    await eventually(async () => (await countRows(pool, schema)) === 1);
    const full = createPostgresSpendWriter({
      pool,
      schema,
      maxBatchRows: 5,
      flushIntervalMs: 600_000,
    });
    for (let index = 100; index < 105; index++) full.write(spend(index));
    await eventually(async () => (await countRows(pool, schema)) === 6);
    await timed.close();
    await full.close();
  });

  it("rejects a record without a request id, bad records and bad options", () => {
    const writer = createPostgresSpendWriter({ pool, schema, migrate: false });
    const { requestId: _omitted, ...anonymous } = spend(1);
    expect(() => writer.write(anonymous as SpendWrite)).toThrow(/record.requestId is required/);
    expect(() => writer.write(spend(1, { cost: 5 as unknown as bigint }))).toThrow(
      /record.cost must be a bigint/,
    );
    expect(() => createPostgresSpendWriter({ pool, maxBufferedRows: 0 })).toThrow(
      /maxBufferedRows must be a positive integer/,
    );
    expect(writer.stats().buffered).toBe(0);
  });

  describe("on SIGTERM", () => {
    let compiled: { entry: string; directory: string };

    beforeAll(() => {
      compiled = compileForNode("adapters/ledger/test-support/postgres-spend-writer-worker.ts");
    });

    afterAll(() => {
      rmSync(compiled.directory, { recursive: true, force: true });
    });

    it("flushes every buffered record before the process exits", async () => {
      // A worker that fails instead of answering rejects `request` with its error at once.
      const worker = startWorker(compiled.entry, "spend writer");
      try {
        const job: SpendWriterJob = { url: POSTGRES_TEST_URL, schema, count: 250 };
        expect(await worker.request(job)).toBe("buffered");
        worker.kill("SIGTERM");
        expect((await worker.exited).signal).toBe("SIGTERM");
      } finally {
        worker.kill("SIGKILL");
      }
      expect(await countRows(pool, schema)).toBe(250);
      expect(await spentBy(pool, schema)).toEqual({ sigterm: 250n * 1_000_000n });
    });
  });
});

const unavailable = privateClusterUnavailable();
const describeWithPrivateCluster =
  unavailable === undefined
    ? describe
    : (name: string, suite: () => void) =>
        describe.skip(
          `${name} (skipped: a private PostgreSQL cannot start: ${unavailable})`,
          suite,
        );

describeWithPrivateCluster("createPostgresSpendWriter while PostgreSQL is down", () => {
  let cluster: PrivateCluster;
  let pool: pg.Pool;
  const schema = "tokenwise";

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const { Pool } = (await import("pg")).default;
    pool = new Pool({ connectionString: cluster.url, max: 2 });
    pool.on("error", () => undefined);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    cluster?.destroy();
  });

  it("keeps serving, buffers up to the bound, counts refusals, and loses nothing accepted", async () => {
    await migratePostgres({ pool, schema });
    const writer = createPostgresSpendWriter({
      url: cluster.url,
      schema,
      maxBatchRows: 40,
      maxBufferedRows: 150,
      flushIntervalMs: 600_000,
    });
    for (let index = 0; index < 100; index++) writer.write(spend(index));
    expect(await writer.flush()).toMatchObject({ pending: 0 });
    expect(writer.stats().written).toBe(100);

    cluster.stop();
    for (let index = 100; index < 200; index++) expect(writer.write(spend(index))).toBe(true);
    const failed = await writer.flush();
    expect(failed).toMatchObject({ written: 0, pending: 100 });
    expect(failed.error?.code).toBe("store_error");
    expect(writer.stats()).toMatchObject({ buffered: 100, healthy: false });
    // Only the first full batch tried on its own; later ones wait for the retry timer.
    expect(writer.stats().failedFlushes).toBe(2);
    expect(writer.stats().lastError).toBeTruthy();
    const accepted = Array.from({ length: 80 }, (_, offset) => writer.write(spend(200 + offset)));
    expect(accepted.filter(Boolean)).toHaveLength(50);
    expect(writer.stats()).toMatchObject({ buffered: 150, refused: 30, healthy: false });

    cluster.start();
    const recovered = await writer.flush();
    expect(recovered).toMatchObject({ pending: 0 });
    expect(writer.stats()).toMatchObject({
      buffered: 0,
      written: 250,
      refused: 30,
      healthy: true,
      lastError: undefined,
    });
    expect(await countRows(pool, schema)).toBe(250);
    const total = Object.values(await spentBy(pool, schema)).reduce((sum, each) => sum + each, 0n);
    expect(total).toBe(250n * 1_000_000_007n);
    await writer.close();
  });

  it("retries by itself with backoff and writes the buffer once PostgreSQL is back", async () => {
    const writer = createPostgresSpendWriter({
      url: cluster.url,
      schema,
      flushIntervalMs: 20,
      maxRetryDelayMs: 200,
    });
    const before = await countRows(pool, schema);
    cluster.stop();
    try {
      for (let index = 500; index < 520; index++) writer.write(spend(index));
      await eventually(async () => writer.stats().failedFlushes >= 2);
      expect(writer.stats()).toMatchObject({ buffered: 20, healthy: false });
    } finally {
      cluster.start();
    }
    // No flush() call: the retry timer alone must deliver the rows.
    await eventually(async () => writer.stats().buffered === 0);
    expect(writer.stats()).toMatchObject({ written: 20, healthy: true, lastError: undefined });
    expect(await countRows(pool, schema)).toBe(before + 20);
    await writer.close();
  });

  it("says how many records it could not write when closed while PostgreSQL is down", async () => {
    const writer = createPostgresSpendWriter({
      url: cluster.url,
      schema,
      flushIntervalMs: 600_000,
    });
    cluster.stop();
    try {
      writer.write(spend(1000));
      writer.write(spend(1001));
      await expect(writer.close()).rejects.toMatchObject({
        code: "store_error",
        details: { pending: 2 },
        message: expect.stringContaining("closed with 2 spend records unwritten"),
      });
    } finally {
      cluster.start();
    }
  });
});
