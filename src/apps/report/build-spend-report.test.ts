import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMemoryLedger,
  createRedisLedger,
  createSqliteLedger,
  type Ledger,
  type SpendRecordInput,
} from "../../adapters/ledger/index.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  REDIS_TEST_URL,
  uniqueRedisPrefix,
} from "../../adapters/stores/test-support/redis-for-tests.js";
import { emptyUsage } from "../../core/cost/index.js";
import { usd } from "../../core/money/index.js";
import { buildSpendReport } from "./build-spend-report.js";
import { spendReportCsv } from "./spend-report-csv.js";

const DAY = 86_400_000;
const DEC_1 = Date.UTC(2026, 11, 1, 9);

function usage(inputTokens: number, outputTokens: number, cachedInputTokens = 0) {
  return { ...emptyUsage(), inputTokens, outputTokens, cachedInputTokens };
}

/** Five records over three days, two keys, two teams, one cache hit. */
const RECORDS: SpendRecordInput[] = [
  {
    time: DEC_1,
    scope: "key:key_web",
    model: "gpt-4o",
    provider: "openai",
    usage: usage(1000, 200),
    cost: usd("0.0045"),
    requestId: "r1",
    metadata: { keyId: "key_web", keyName: "web", team: "apps", tags: ["beta", "search"] },
  },
  {
    time: DEC_1 + 60_000,
    scope: "key:key_web",
    model: "gpt-4o",
    provider: "openai",
    usage: emptyUsage(),
    cost: 0n,
    requestId: "r1",
    cached: true,
    metadata: { keyId: "key_web", keyName: "web", team: "apps", savedCost: "0.0045" },
  },
  {
    time: DEC_1 + DAY,
    scope: "key:key_batch",
    model: "gpt-4o-mini",
    provider: "openai",
    usage: usage(20_000, 1000, 8000),
    cost: usd("0.0027"),
    requestId: "r3",
    metadata: { keyId: "key_batch", team: "data", tags: "nightly", prompt: "secret prompt" },
  },
  {
    time: DEC_1 + DAY + 1,
    scope: "team-a",
    model: "claude-haiku-4-5",
    provider: "anthropic",
    usage: usage(300, 50),
    cost: usd("0.000550"),
    requestId: "r4",
  },
  {
    time: DEC_1 + 9 * DAY,
    scope: "key:key_web",
    model: "gpt-4o",
    provider: "openai",
    usage: usage(100, 10),
    cost: usd("0.00035"),
    requestId: "r5",
    metadata: { keyId: "key_web", keyName: "web", team: "apps", tags: ["beta"] },
  },
];

async function filled(ledger: Ledger): Promise<Ledger> {
  for (const record of RECORDS) await ledger.record(record);
  return ledger;
}

function reportChecks(open: () => Promise<Ledger>) {
  it("sums spend, calls and tokens exactly, overall and per grouping", async () => {
    const ledger = await open();
    const report = await buildSpendReport({ ledger, now: () => DEC_1 + 10 * DAY });
    expect(report.totals).toEqual({
      key: "all",
      calls: 5,
      cachedCalls: 1,
      cost: usd("0.0081"),
      savedCost: usd("0.0045"),
      usage: {
        inputTokens: 21_400,
        cachedInputTokens: 8000,
        cacheWriteTokens: 0,
        outputTokens: 1260,
        reasoningTokens: 0,
      },
    });
    expect(report.cacheHitRate).toBe(0.2);
    expect(report.overTime.map((group) => [group.key, group.calls, group.cost])).toEqual([
      ["2026-12-01", 2, usd("0.0045")],
      ["2026-12-02", 2, usd("0.00325")],
      ["2026-12-10", 1, usd("0.00035")],
    ]);
    expect(report.byModel.map((group) => [group.key, group.cost, group.savedCost])).toEqual([
      ["gpt-4o", usd("0.00485"), usd("0.0045")],
      ["gpt-4o-mini", usd("0.0027"), 0n],
      ["claude-haiku-4-5", usd("0.00055"), 0n],
    ]);
    expect(report.byProvider.map((group) => [group.key, group.calls])).toEqual([
      ["openai", 4],
      ["anthropic", 1],
    ]);
    expect(report.byKey.map((group) => [group.key, group.calls])).toEqual([
      ["web", 3],
      ["key_batch", 1],
    ]);
    expect(report.byTeam.map((group) => [group.key, group.cost])).toEqual([
      ["apps", usd("0.00485")],
      ["data", usd("0.0027")],
    ]);
    expect(report.byTag.map((group) => [group.key, group.calls])).toEqual([
      ["beta", 2],
      ["search", 1],
      ["nightly", 1],
    ]);
    expect(report.byScope.map((group) => group.key)).toEqual([
      "key:key_web",
      "key:key_batch",
      "team-a",
    ]);
    expect(report.topRequests.map((request) => request.requestId)).toEqual([
      "r1",
      "r3",
      "r4",
      "r5",
      "r1",
    ]);
    expect(report.latestRequests.map((request) => request.requestId)).toEqual([
      "r5",
      "r4",
      "r3",
      "r1",
      "r1",
    ]);
    expect(report.latestRequests.some((request) => request.prompt !== undefined)).toBe(false);
    expect(report.firstRecordAt).toBe(DEC_1);
    expect(report.lastRecordAt).toBe(DEC_1 + 9 * DAY);
    await ledger.close();
  });

  it("narrows by time window and by model, provider, key, team and tag", async () => {
    const ledger = await open();
    const window = await buildSpendReport({ ledger, since: DEC_1 + DAY, until: DEC_1 + 2 * DAY });
    expect(window.totals.calls).toBe(2);
    expect(window.totals.cost).toBe(usd("0.00325"));
    const cases = [
      [{ model: "gpt-4o" }, 3],
      [{ provider: "anthropic" }, 1],
      [{ key: "web" }, 3],
      [{ key: "key_batch" }, 1],
      [{ team: "data" }, 1],
      [{ tag: "beta" }, 2],
      [{ scope: "team-a" }, 1],
      [{ team: "apps", tag: "search" }, 1],
    ] as const;
    for (const [filter, calls] of cases) {
      const report = await buildSpendReport({ ledger, filter });
      expect(report.totals.calls, JSON.stringify(filter)).toBe(calls);
    }
    await ledger.close();
  });
}

describe("buildSpendReport on a memory ledger", () => {
  reportChecks(async () => filled(createMemoryLedger()));

  it("buckets by week and month, and lists prompts only when asked", async () => {
    const ledger = await filled(createMemoryLedger());
    const weekly = await buildSpendReport({ ledger, period: "week" });
    expect(weekly.overTime.map((group) => [group.key, group.calls])).toEqual([
      ["2026-W49", 4],
      ["2026-W50", 1],
    ]);
    const monthly = await buildSpendReport({ ledger, period: "month", includePrompts: true });
    expect(monthly.overTime.map((group) => group.key)).toEqual(["2026-12"]);
    expect(monthly.latestRequests.find((request) => request.requestId === "r3")?.prompt).toBe(
      "secret prompt",
    );
  });

  it("keeps only the requested number of top and latest requests", async () => {
    const ledger = await filled(createMemoryLedger());
    const report = await buildSpendReport({ ledger, top: 2, latest: 1 });
    expect(report.topRequests.map((request) => request.cost)).toEqual([
      usd("0.0045"),
      usd("0.0027"),
    ]);
    expect(report.latestRequests.map((request) => request.requestId)).toEqual(["r5"]);
  });

  it("shows what is left of each budget and when it runs out at the current rate", async () => {
    const now = Date.UTC(2026, 11, 11);
    const ledger = createMemoryLedger({ now: () => now });
    await ledger.record({
      time: now - 2 * DAY,
      scope: "team:data:month:2026-12",
      model: "gpt-4o",
      provider: "openai",
      usage: usage(10, 10),
      cost: usd("10"),
    });
    await ledger.reserve({
      scope: "team:data:month:2026-12",
      amount: usd("2"),
      ttlMs: 60_000,
      limit: usd("100"),
    });
    const report = await buildSpendReport({
      ledger,
      now: () => now,
      budgets: [
        {
          scope: "team:data:month:2026-12",
          limit: usd("100"),
          resetsAt: Date.UTC(2027, 0, 1),
          name: "team data",
        },
        { scope: "key:idle", limit: usd("5") },
      ],
    });
    const [data, idle] = report.budgets;
    expect(data).toMatchObject({
      name: "team data",
      spent: usd("10"),
      reserved: usd("2"),
      remaining: usd("88"),
      usedFraction: 0.1,
      ratePerDay: usd("5"),
      runsOutAt: now + (88 / 5) * DAY,
      runsOutBeforeReset: true,
    });
    expect(idle).toMatchObject({ name: "key:idle", spent: 0n, remaining: usd("5") });
    expect(idle?.runsOutAt).toBeUndefined();
    expect(idle?.runsOutBeforeReset).toBe(false);
  });

  it("counts a call charged to a key and its team in both scopes and both budgets", async () => {
    const now = Date.UTC(2026, 11, 11);
    const ledger = createMemoryLedger({ now: () => now });
    const { id } = await ledger.reserve({
      amount: usd("1"),
      ttlMs: 60_000,
      budgets: [
        { scope: "key:key_1", limit: usd("10") },
        { scope: "team:data", limit: usd("50") },
      ],
    });
    await ledger.settle(id, usd("0.40"), {
      time: now - DAY,
      model: "gpt-4o",
      provider: "openai",
      usage: usage(100, 10),
      metadata: { keyId: "key_1", team: "data" },
    });
    const report = await buildSpendReport({
      ledger,
      now: () => now,
      budgets: [
        { scope: "key:key_1", limit: usd("10") },
        { scope: "team:data", limit: usd("50") },
      ],
    });
    expect(report.totals.cost).toBe(usd("0.40"));
    expect(report.byScope.map((group) => [group.key, group.cost])).toEqual([
      ["key:key_1", usd("0.40")],
      ["team:data", usd("0.40")],
    ]);
    expect(report.budgets.map((budget) => [budget.scope, budget.spent, budget.ratePerDay])).toEqual(
      [
        ["key:key_1", usd("0.40"), usd("0.40")],
        ["team:data", usd("0.40"), usd("0.40")],
      ],
    );
    const teamOnly = await buildSpendReport({ ledger, filter: { scope: "team:data" } });
    expect(teamOnly.totals.calls).toBe(1);
  });

  it("writes every grouping as CSV with exact dollars", async () => {
    const ledger = await filled(createMemoryLedger());
    const csv = spendReportCsv(await buildSpendReport({ ledger }));
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "grouping,key,calls,cached_calls,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd,saved_usd",
    );
    expect(lines[1]).toBe("total,all,5,1,21400,8000,0,1260,0,0.0081,0.0045");
    expect(lines).toContain("scope,key:key_web,3,1,1100,0,0,210,0,0.00485,0.0045");
    expect(lines).toContain("tag,nightly,1,0,20000,8000,0,1000,0,0.0027,0.00");
  });

  it("rejects a window that ends before it starts and an unknown period", async () => {
    const ledger = createMemoryLedger();
    await expect(buildSpendReport({ ledger, since: 2, until: 1 })).rejects.toThrow(/since/);
    await expect(buildSpendReport({ ledger, period: "year" as unknown as "day" })).rejects.toThrow(
      /period must be one of hour, day, week, month/,
    );
  });
});

describe("buildSpendReport on a SQLite file", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  reportChecks(async () => {
    dir = mkdtempSync(join(tmpdir(), "tokenwise-report-"));
    return filled(createSqliteLedger({ path: join(dir, "tokenwise.db") }));
  });
});

describeWithRedis("buildSpendReport on Redis", () => {
  const prefixes: string[] = [];
  afterEach(async () => {
    const client = newRedisClient();
    for (const prefix of prefixes.splice(0)) await deleteRedisPrefix(client, prefix);
    await client.quit();
  });
  reportChecks(async () => {
    const prefix = uniqueRedisPrefix("report");
    prefixes.push(prefix);
    return filled(createRedisLedger({ url: REDIS_TEST_URL, prefix }));
  });
});
