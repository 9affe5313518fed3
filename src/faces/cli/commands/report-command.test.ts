import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteLedger } from "../../../adapters/ledger/index.js";
import { emptyUsage } from "../../../core/cost/index.js";
import { usd } from "../../../core/money/index.js";
import type { Output } from "../output.js";
import { run } from "../program.js";

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await run(["node", "tokenwise", ...args], output);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const DEC_1 = Date.UTC(2026, 11, 1, 10);
let dir = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tokenwise-report-cli-"));
  const ledger = createSqliteLedger({ path: join(dir, "tokenwise.db") });
  const usage = {
    ...emptyUsage(),
    inputTokens: 12_000,
    cachedInputTokens: 10_240,
    outputTokens: 300,
  };
  await ledger.record({
    time: DEC_1,
    scope: "key:key_web",
    model: "gpt-4o-mini",
    provider: "openai",
    usage,
    cost: usd("0.000708"),
    requestId: "chatcmpl-1",
    metadata: { keyId: "key_web", keyName: "web", team: "apps", tags: ["beta"] },
  });
  await ledger.record({
    time: DEC_1 + 1000,
    scope: "key:key_web",
    model: "gpt-4o-mini",
    provider: "openai",
    usage: emptyUsage(),
    cost: 0n,
    cached: true,
    requestId: "chatcmpl-1",
    metadata: { keyId: "key_web", keyName: "web", team: "apps", savedCost: "0.000708" },
  });
  await ledger.record({
    time: DEC_1 + 86_400_000,
    scope: "team-b",
    model: "gpt-4o",
    provider: "openai",
    usage: { ...emptyUsage(), inputTokens: 1000, outputTokens: 100 },
    cost: usd("0.0035"),
    requestId: "chatcmpl-2",
  });
  await ledger.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tokenwise report", () => {
  it("prints tables with totals, groupings, bars, budgets and top requests", async () => {
    const result = await cli("report", "--ledger", dir, "--budget", "team-b=0.01");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      "Spent $0.004208 on 3 calls; 1 cache hits (33.3%) saved $0.000708.",
    );
    expect(result.out).toMatch(/2026-12-01\s+2\s+1\s+12,000\s+300\s+\$0\.000708\s+\$0\.000708\s+█/);
    expect(result.out).toMatch(/By team\n.*\n.*\napps\s+2/);
    expect(result.out).toMatch(
      /team-b\s+\$0\.010000\s+\$0\.003500\s+\$0\.000000\s+\$0\.006500\s+35\.0%/,
    );
    expect(result.out).toMatch(
      /Top requests by cost\n.*\n.*\n2026-12-02 10:00:00\s+gpt-4o\s+team-b/,
    );
  });

  it("prints exact JSON and CSV, and applies filters and the window", async () => {
    const json = JSON.parse((await cli("report", "--ledger", dir, "--json", "--team", "apps")).out);
    expect(json.totals).toMatchObject({
      calls: 2,
      cachedCalls: 1,
      cost: "0.000708",
      savedCost: "0.000708",
    });
    expect(json.filter).toEqual({ team: "apps" });
    const window = JSON.parse(
      (
        await cli(
          "report",
          "--ledger",
          dir,
          "--json",
          "--since",
          "2026-12-02",
          "--until",
          "2026-12-02",
        )
      ).out,
    );
    expect(window.totals.calls).toBe(1);
    const csv = (await cli("report", "--ledger", dir, "--csv", "--period", "month")).out;
    expect(csv).toContain("month,2026-12,3,1,13000,10240,0,400,0,0.004208,0.000708");
  });

  it("fails with one clear line for a missing ledger or a bad bound", async () => {
    const missing = await cli("report", "--ledger", join(dir, "nope"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^tokenwise: ledger: nothing at .*nope/);
    const bad = await cli("report", "--ledger", dir, "--since", "yesterday-ish");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--since must be a date/);
  });
});

describe("tokenwise savings", () => {
  it("says what cache hits and the provider's prompt cache saved", async () => {
    const result = await cli("savings", "--ledger", join(dir, "tokenwise.db"));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^Saved \$0\.\d{6} \(\d+\.\d% of the \$0\.\d{6} these 3 calls would have cost\)\./,
    );
    expect(result.out).toMatch(/saved by cache hits\s+\$0\.000708\s+1 hits/);
    expect(result.out).toMatch(
      /saved by the provider's prompt cache\s+\$0\.\d{6}\s+10,240 cached input tokens/,
    );
    const json = JSON.parse((await cli("savings", "--ledger", dir, "--json")).out);
    expect(json.cacheHitSaved).toBe("0.000708");
    expect(Number(json.promptCacheSaved)).toBeGreaterThan(0);
  });
});
