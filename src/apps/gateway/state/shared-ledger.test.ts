/**
 * The shared ledger's behaviour when Redis does not answer, with a memory ledger standing in
 * for the Redis one (same contract) and a writer that keeps what it is given.
 */
import { describe, expect, it } from "vitest";
import {
  createMemoryLedger,
  type Ledger,
  type ScopeBalance,
  type SpendFlushResult,
  type SpendWrite,
  type SpendWriter,
} from "../../../adapters/ledger/index.js";
import { emptyUsage } from "../../../core/cost/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import { usd } from "../../../core/money/index.js";
import { GatewayError } from "../gateway-failure.js";
import { isConnectionFailure } from "./redis-link.js";
import { createSharedLedger } from "./shared-ledger.js";

const usage = { ...emptyUsage(), inputTokens: 10, outputTokens: 5 };
const limit = usd("1");
const budgets = [
  { scope: "key:a", limit },
  { scope: "team:t", limit },
];

/** A Redis stand-in that can be cut off: every call then fails as a closed connection does. */
function cuttable(ledger: Ledger) {
  const state = { cut: false };
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (state.cut)
        throw new TokenwiseError("store_error", "Redis ledger failed: Connection is closed.");
      return call(...args);
    };
  const redis: Ledger = {
    reserve: guard(ledger.reserve),
    renew: guard(ledger.renew),
    settle: guard(ledger.settle),
    release: guard(ledger.release),
    spent: guard(ledger.spent),
    reserved: guard(ledger.reserved),
    remaining: guard(ledger.remaining),
    record: guard(ledger.record),
    records: guard(ledger.records),
    totals: guard(ledger.totals),
    close: ledger.close,
  };
  return { redis, state };
}

function keepingWriter(capacity = 100): SpendWriter & { rows: SpendWrite[] } {
  const rows: SpendWrite[] = [];
  return {
    rows,
    write(row) {
      if (rows.length >= capacity) return false;
      rows.push(row);
      return true;
    },
    flush: async (): Promise<SpendFlushResult> => ({ written: 0, duplicates: 0, pending: 0 }),
    stats: () => ({
      buffered: rows.length,
      maxBufferedRows: capacity,
      written: 0,
      duplicates: 0,
      refused: 0,
      failedFlushes: 0,
      lastError: undefined,
      healthy: true,
    }),
    close: async () => undefined,
  };
}

function setup(options: { failOpen?: boolean; capacity?: number } = {}) {
  const inner = createMemoryLedger();
  const { redis, state } = cuttable(inner);
  const writer = keepingWriter(options.capacity);
  const lost: string[] = [];
  const failOpen: string[][] = [];
  const logged = { rows: 0 };
  // "Up" as the link would see it: not cut, and no failure reported since.
  let down = false;
  const ledger = createSharedLedger({
    redis,
    writer,
    reader: inner,
    redisUp: () => !state.cut && !down,
    redisFailed: (error) => {
      if (!isConnectionFailure(error)) return false;
      down = true;
      return true;
    },
    failOpen: options.failOpen ?? false,
    unavailable: () =>
      new GatewayError({ status: 503, kind: "server", message: "shared state unavailable" }),
    onFailOpen: (scopes) => failOpen.push([...scopes]),
    onLost: (what) => lost.push(what),
    onLogged: () => {
      logged.rows += 1;
    },
  });
  const cut = () => {
    state.cut = true;
  };
  const heal = () => {
    state.cut = false;
    down = false;
  };
  return { inner, ledger, writer, lost, failOpen, logged, cut, heal };
}

describe("createSharedLedger", () => {
  it("reserves, settles and records through Redis while it answers", async () => {
    const { inner, ledger, writer, logged } = setup();
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    await ledger.settle(id, usd("0.2"), { model: "m", provider: "p", usage, requestId: "r1" });
    expect(await inner.spent("team:t")).toBe(usd("0.2"));
    expect(await inner.records()).toHaveLength(1);
    // Each row left in the Redis log is counted toward the backlog at once.
    expect(logged.rows).toBe(1);
    await ledger.record({ scope: "key:a", model: "m", provider: "gateway", usage, cost: 0n });
    expect(logged.rows).toBe(2);
    expect(writer.rows).toEqual([]);
    expect(await ledger.records()).toHaveLength(2);
  });

  it("refuses a reservation with the 503 while Redis is down (fail closed)", async () => {
    const { ledger, cut, writer } = setup();
    cut();
    const refused = await ledger
      .reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).failure.status).toBe(503);
    await expect(ledger.remaining("key:a", limit)).rejects.toBeInstanceOf(GatewayError);
    expect(writer.rows).toEqual([]);
  });

  it("keeps the row of a call whose settle cannot reach Redis, and charges it once Redis answers", async () => {
    const { inner, ledger, writer, cut, heal, lost } = setup();
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    cut();
    const settled = await ledger.settle(id, usd("0.2"), {
      model: "m",
      provider: "p",
      usage,
      requestId: "r1",
    });
    expect(settled).toMatchObject({
      scopes: ["key:a", "team:t"],
      reserved: usd("0.5"),
      actual: usd("0.2"),
    });
    expect(writer.rows).toHaveLength(1);
    expect(writer.rows[0]).toMatchObject({
      requestId: "r1",
      scope: "key:a",
      scopes: ["key:a", "team:t"],
      cost: usd("0.2"),
    });
    expect(ledger.pendingReplays()).toBe(1);
    // A release that cannot reach Redis frees nothing and does not throw.
    expect(await ledger.release("some-id")).toBe(false);
    expect(await ledger.replay()).toBe(1);
    heal();
    expect(await ledger.replay()).toBe(0);
    expect(await inner.spent("key:a")).toBe(usd("0.2"));
    expect(await inner.spent("team:t")).toBe(usd("0.2"));
    expect(await inner.reserved("key:a")).toBe(0n);
    // The replayed settle carries the same request id and time, so PostgreSQL keeps one row.
    const [replayed] = await inner.records();
    expect(replayed).toMatchObject({ requestId: "r1", time: writer.rows[0]?.time });
    expect(lost).toEqual([]);
  });

  it("charges nothing twice when the settle that seemed lost had reached Redis", async () => {
    const { inner, ledger, cut, heal } = setup();
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    await inner.settle(id, usd("0.2"), { model: "m", provider: "p", usage, requestId: "r1" });
    cut();
    await ledger.settle(id, usd("0.2"), { model: "m", provider: "p", usage, requestId: "r1" });
    heal();
    await ledger.replay();
    expect(await inner.spent("key:a")).toBe(usd("0.2"));
  });

  it("with failOpen, grants reservations without budgets while Redis is down and charges them later", async () => {
    const { inner, ledger, writer, cut, heal, failOpen } = setup({ failOpen: true });
    cut();
    const reservation = await ledger.reserve({ amount: usd("5"), ttlMs: 60_000, budgets });
    expect(reservation).toMatchObject({ amount: 0n, scopes: ["key:a", "team:t"] });
    expect(failOpen).toEqual([["key:a", "team:t"]]);
    expect(await ledger.renew(reservation.id, 60_000)).toMatchObject({ id: reservation.id });
    await ledger.settle(reservation.id, usd("0.3"), { model: "m", provider: "p", usage });
    expect(writer.rows[0]).toMatchObject({
      cost: usd("0.3"),
      requestId: reservation.id,
      metadata: { sharedState: "fail_open" },
    });
    await expect(ledger.settle(reservation.id, usd("0.3"))).rejects.toMatchObject({
      code: "not_found",
    });
    heal();
    await ledger.replay();
    // The fail-open spend is charged to the budgets once Redis answers again.
    expect(await inner.spent("team:t")).toBe(usd("0.3"));
    const released = await ledger.reserve({ amount: 0n, ttlMs: 1000, budgets });
    expect(await ledger.release(released.id)).toBe(true);
  });

  it("writes records that cannot reach Redis straight to the writer, replaying only those that cost", async () => {
    const { inner, ledger, writer, cut, heal } = setup();
    cut();
    await ledger.record({ scope: "key:a", model: "m", provider: "gateway", usage, cost: 0n });
    await ledger.record({
      scope: "key:a",
      model: "m",
      provider: "p",
      usage,
      cost: usd("0.1"),
      requestId: "r9",
    });
    expect(writer.rows.map((row) => row.requestId)).toEqual([expect.stringMatching(/^rec_/), "r9"]);
    expect(ledger.pendingReplays()).toBe(1);
    heal();
    await ledger.replay();
    expect(await inner.spent("key:a")).toBe(usd("0.1"));
  });

  it("reports what it could not keep when the writer is full", async () => {
    const { ledger, cut, lost } = setup({ capacity: 1 });
    cut();
    await ledger.record({
      scope: "key:a",
      model: "m",
      provider: "p",
      usage,
      cost: 0n,
      requestId: "a",
    });
    await ledger.record({
      scope: "key:a",
      model: "m",
      provider: "p",
      usage,
      cost: 0n,
      requestId: "b",
    });
    expect(lost).toEqual(["the spend row of request b"]);
  });

  it("passes on a Redis error that is not a connection failure", async () => {
    const { ledger } = setup();
    await expect(
      ledger.reserve({ amount: usd("2"), ttlMs: 60_000, budgets }),
    ).rejects.toMatchObject({ code: "budget_exceeded" });
  });
});

describe("createSharedLedger balance reports", () => {
  it("passes on the Redis ledger's balance reports, and offers none when it has none", async () => {
    const inner = createMemoryLedger();
    const listeners = new Set<(balances: readonly ScopeBalance[]) => void>();
    const reporting: Ledger = {
      ...inner,
      async reserve(options) {
        const reservation = await inner.reserve(options);
        for (const listener of listeners)
          listener([{ scope: reservation.scope, spent: 0n, reserved: reservation.amount }]);
        return reservation;
      },
      observeBalances(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const shared = (redis: Ledger) =>
      createSharedLedger({
        redis,
        writer: keepingWriter(),
        reader: inner,
        redisUp: () => true,
        redisFailed: () => false,
        failOpen: false,
        unavailable: () =>
          new GatewayError({ status: 503, kind: "server", message: "shared state unavailable" }),
      });
    const ledger = shared(reporting);
    const seen: ScopeBalance[][] = [];
    const stop = ledger.observeBalances?.((balances) => seen.push([...balances]));
    await ledger.reserve({ scope: "team:t", amount: usd("0.5"), ttlMs: 60_000, limit });
    expect(seen).toEqual([[{ scope: "team:t", spent: 0n, reserved: usd("0.5") }]]);
    stop?.();
    await ledger.reserve({ scope: "team:t", amount: usd("0.1"), ttlMs: 60_000, limit });
    expect(seen).toHaveLength(1);
    expect(shared(inner).observeBalances).toBeUndefined();
  });
});

describe("createSharedLedger settles without waiting for Redis's answer", () => {
  /** A Redis stand-in that reports balances and whose settle answers when told to. */
  function deferred(options: { answer?: "ok" | "connection" | "not_found" } = {}) {
    const inner = createMemoryLedger();
    const sent: Array<{ id: string; answer: () => Promise<void> }> = [];
    const redis: Ledger = {
      ...inner,
      async reserve(reserveOptions) {
        const reservation = await inner.reserve(reserveOptions);
        const balances = await Promise.all(
          reservation.scopes.map(async (scope) => ({
            scope,
            spent: await inner.spent(scope),
            reserved: await inner.reserved(scope),
          })),
        );
        return { ...reservation, balances };
      },
      settle(id, actual, record) {
        return new Promise((resolve, reject) => {
          sent.push({
            id,
            answer: async () => {
              if (options.answer === "connection") {
                reject(
                  new TokenwiseError("store_error", "Redis ledger failed: Connection is closed."),
                );
              } else if (options.answer === "not_found") {
                await inner.release(id);
                reject(new TokenwiseError("not_found", `No active reservation "${id}"`));
              } else resolve(await inner.settle(id, actual, record));
            },
          });
        });
      },
      observeBalances: () => () => undefined,
    };
    const writer = keepingWriter();
    const lost: string[] = [];
    let down = false;
    const ledger = createSharedLedger({
      redis,
      writer,
      reader: inner,
      redisUp: () => !down,
      redisFailed: (error) => {
        if (!isConnectionFailure(error)) return false;
        down = true;
        return true;
      },
      failOpen: false,
      unavailable: () =>
        new GatewayError({ status: 503, kind: "server", message: "shared state unavailable" }),
      onLost: (what) => lost.push(what),
    });
    const heal = () => {
      down = false;
    };
    return { inner, ledger, writer, sent, lost, heal };
  }
  const record = { model: "m", provider: "p", usage, requestId: "r1" };

  it("answers at once with the result and the balances the charge leaves, and settling() waits for Redis", async () => {
    const { inner, ledger, sent } = deferred();
    const seen: ScopeBalance[][] = [];
    ledger.observeBalances?.((balances) => seen.push([...balances]));
    await ledger.reserve({ amount: usd("0.1"), ttlMs: 60_000, budgets: [budgets[1] as never] });
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    const settled = await ledger.settle(id, usd("0.2"), record);
    expect(settled).toEqual({
      id,
      scope: "key:a",
      scopes: ["key:a", "team:t"],
      reserved: usd("0.5"),
      actual: usd("0.2"),
    });
    expect(sent.map((entry) => entry.id)).toEqual([id]);
    expect(seen.at(-1)).toEqual([
      { scope: "key:a", spent: usd("0.2"), reserved: 0n },
      { scope: "team:t", spent: usd("0.2"), reserved: usd("0.1") },
    ]);
    // Not charged yet: Redis has not answered.
    expect(await inner.spent("key:a")).toBe(0n);
    let done = false;
    const settling = ledger.settling().then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    await sent[0]?.answer();
    await settling;
    expect(await inner.spent("key:a")).toBe(usd("0.2"));
    expect(await inner.reserved("key:a")).toBe(0n);
  });

  it("keeps the row and replays the charge when Redis goes away before answering", async () => {
    const { inner, ledger, writer, sent, heal, lost } = deferred({ answer: "connection" });
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    await ledger.settle(id, usd("0.2"), record);
    await sent[0]?.answer();
    await ledger.settling();
    expect(writer.rows).toHaveLength(1);
    expect(writer.rows[0]).toMatchObject({ requestId: "r1", cost: usd("0.2") });
    expect(ledger.pendingReplays()).toBe(1);
    heal();
    // The replay's settle reaches the stand-in's inner ledger directly this time.
    const replayed = ledger.replay();
    await sent[1]?.answer();
    expect(await replayed).toBe(1);
    expect(lost).toEqual([]);
    expect(await inner.spent("team:t")).toBe(0n);
  });

  it("charges a reservation Redis no longer knows as a record of the same request", async () => {
    const { inner, ledger, sent, lost } = deferred({ answer: "not_found" });
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    await ledger.settle(id, usd("0.2"), record);
    await sent[0]?.answer();
    await ledger.settling();
    expect(lost).toEqual([]);
    expect(await inner.spent("key:a")).toBe(usd("0.2"));
    expect(await inner.spent("team:t")).toBe(usd("0.2"));
    expect(await inner.records()).toEqual([
      expect.objectContaining({ requestId: "r1", cost: usd("0.2"), scopes: ["key:a", "team:t"] }),
    ]);
  });
});
