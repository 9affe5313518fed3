import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { emptyUsage } from "../../core/cost/index.js";
import { usd } from "../../core/money/index.js";
import { migratePostgres } from "../stores/index.js";
import { createManualClock, sleep } from "../stores/test-support/manual-clock.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  uniquePostgresSchema,
} from "../stores/test-support/postgres-for-tests.js";
import type { Ledger } from "./ledger.js";
import { createPostgresLedger } from "./postgres-ledger.js";
import { describeLedgerConformance } from "./test-support/ledger-conformance.js";

describeWithPostgres("PostgreSQL ledger", () => {
  // Like the SQLite and memory harnesses, the conformance suite runs on a manual clock: the
  // schema's clock function reads a table the harness moves forward, so lease tests do not
  // depend on how fast a loaded machine runs. The real server clock is tested below.
  describeLedgerConformance("PostgreSQL", async () => {
    const schema = uniquePostgresSchema("ledger");
    const clock = createManualClock();
    const pools = [newPostgresPool(3)];
    const [janitor] = pools as [pg.Pool];
    await migratePostgres({ pool: janitor, schema });
    await janitor.query(`CREATE TABLE "${schema}".manual_clock (ms bigint NOT NULL)`);
    await janitor.query(`INSERT INTO "${schema}".manual_clock VALUES ($1)`, [clock.now()]);
    await janitor.query(
      `CREATE OR REPLACE FUNCTION "${schema}".tokenwise_clock_ms() RETURNS bigint
       LANGUAGE sql VOLATILE AS $$ SELECT ms FROM "${schema}".manual_clock $$`,
    );
    const ledgers: Ledger[] = [];
    const connect = async () => {
      const pool = newPostgresPool(3);
      pools.push(pool);
      const ledger = createPostgresLedger({ pool, schema, now: clock.now });
      ledgers.push(ledger);
      return ledger;
    };
    return {
      ledger: await connect(),
      connect,
      now: clock.now,
      advance: async (ms) => {
        await clock.advance(ms);
        await janitor.query(`UPDATE "${schema}".manual_clock SET ms = $1`, [clock.now()]);
      },
      cleanup: async () => {
        await Promise.all(ledgers.map((ledger) => ledger.close()));
        await dropPostgresSchema(janitor, schema);
        await Promise.all(pools.map((pool) => pool.end()));
      },
    };
  });

  describe("createPostgresLedger", () => {
    const pool = newPostgresPool(6);
    const schema = uniquePostgresSchema("ledger_engine");

    afterAll(async () => {
      await dropPostgresSchema(pool, schema);
      await pool.end();
    });

    const serverNow = async () =>
      Number(
        (
          await pool.query<{ now: string }>(
            "SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now",
          )
        ).rows[0]?.now,
      );

    it("times leases by the database clock, not the replica's", async () => {
      const skewed = createPostgresLedger({ pool, schema, now: () => Date.UTC(2000, 0, 1) });
      const before = await serverNow();
      const reservation = await skewed.reserve({
        scope: "clock",
        amount: 1n,
        ttlMs: 60_000,
        limit: 10n,
      });
      const after = await serverNow();
      expect(reservation.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(reservation.expiresAt).toBeLessThanOrEqual(after + 60_000);
      const { rows } = await pool.query<{ expires_at: string }>(
        `SELECT expires_at FROM "${schema}".tokenwise_ledger_holds WHERE id = $1`,
        [reservation.id],
      );
      expect(Number(rows[0]?.expires_at)).toBe(reservation.expiresAt);
    });

    it("charges once when the same settle is retried concurrently from several replicas", async () => {
      const replicas = [0, 1, 2, 3].map(() => createPostgresLedger({ pool, schema }));
      const [first] = replicas as [Ledger];
      const { id } = await first.reserve({
        amount: usd("0.5"),
        ttlMs: 60_000,
        budgets: [
          { scope: "retry:key", limit: usd("1") },
          { scope: "retry:team", limit: usd("1") },
        ],
      });
      const results = await Promise.all(
        replicas.map((replica, index) =>
          replica.settle(id, usd("0.1") * BigInt(index + 1), {
            model: "gpt-4o",
            provider: "openai",
            usage: emptyUsage(),
            requestId: `retry-${id}`,
          }),
        ),
      );
      expect(new Set(results.map((result) => result.actual)).size).toBe(1);
      const charged = results[0]?.actual;
      expect(await first.spent("retry:key")).toBe(charged);
      expect(await first.spent("retry:team")).toBe(charged);
      expect(await first.records({ scope: "retry:key" })).toHaveLength(1);
    });

    it("writes a record with a known request id once and charges it once", async () => {
      const ledger = createPostgresLedger({ pool, schema });
      const record = {
        scope: "replayed",
        model: "gpt-4o",
        provider: "openai",
        usage: emptyUsage(),
        cost: usd("0.25"),
        requestId: "req-replayed",
      };
      await ledger.record(record);
      await ledger.record(record);
      expect(await ledger.spent("replayed")).toBe(usd("0.25"));
      expect(await ledger.records({ scope: "replayed" })).toHaveLength(1);
    });

    it("forgets leases and settle results past the late-settle window", async () => {
      const ledger = createPostgresLedger({
        pool,
        schema,
        lateSettleWindowMs: 50,
        pruneIntervalMs: 0,
      });
      const late = await ledger.reserve({ scope: "window", amount: 1n, ttlMs: 20, limit: 10n });
      const settled = await ledger.reserve({
        scope: "window",
        amount: 1n,
        ttlMs: 60_000,
        limit: 10n,
      });
      await ledger.settle(settled.id, 1n);
      await sleep(150);
      await expect(ledger.settle(late.id, 1n)).rejects.toMatchObject({ code: "not_found" });
      await expect(ledger.settle(settled.id, 1n)).rejects.toMatchObject({ code: "not_found" });
      await ledger.reserve({ scope: "window", amount: 1n, ttlMs: 60_000, limit: 10n });
      const { rows } = await pool.query(
        `SELECT id FROM "${schema}".tokenwise_ledger_settled WHERE id = $1`,
        [settled.id],
      );
      expect(rows).toEqual([]);
      expect(await ledger.spent("window")).toBe(1n);
    });
  });
});
