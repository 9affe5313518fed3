/**
 * Embedding-cache hits save money, and the ledger says how much: the client's embed path
 * against the real mock upstream, with a real SQLite embedding cache and a real SQLite ledger,
 * read back by `ledgerSavings`, `buildSpendReport` and the `tokenwise savings` / `report`
 * commands.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteLedger } from "../../src/adapters/ledger/index.js";
import { type MockUpstream, startMockUpstream } from "../../src/adapters/mock-upstream/index.js";
import { createSqliteStore } from "../../src/adapters/stores/index.js";
import { createClient } from "../../src/apps/client/index.js";
import { buildSpendReport, ledgerSavings } from "../../src/apps/report/index.js";
import { defaultCatalog } from "../../src/core/catalog/index.js";
import { costFromUsage, emptyUsage } from "../../src/core/cost/index.js";
import { formatUsd, toDecimalString, usd } from "../../src/core/money/index.js";
import { countTextTokens } from "../../src/core/tokens/index.js";
import type { Output } from "../../src/faces/cli/output.js";
import { run } from "../../src/faces/cli/program.js";

const OPENAI_KEY = "sk-test-openai-secret-0123456789abcdef";
const MODEL = "text-embedding-3-small";

/** Long enough that a saving shows at the CLI's six decimals ($0.02 per 1M tokens). */
const ALPHA = "alpha particles and ionising radiation in the upper atmosphere. ".repeat(60);
const BETA = "beta decay of neutrons inside unstable atomic nuclei at rest. ".repeat(60);
const GAMMA = "gamma ray bursts observed from distant galaxies with satellites. ".repeat(60);

function tokensOf(text: string): number {
  return countTextTokens(text, defaultCatalog.get(MODEL).tokenizer).tokens;
}

function priceOf(tokens: number): bigint {
  return costFromUsage(MODEL, { ...emptyUsage(), inputTokens: tokens }).total;
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await run(["node", "tokenwise", ...args], output);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

let mock: MockUpstream;
let directory: string;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { openai: OPENAI_KEY } });
  directory = mkdtempSync(join(tmpdir(), "tokenwise-embedding-savings-"));
});

afterAll(async () => {
  await mock.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("embedding cache hits in the ledger", () => {
  it("record what the cached inputs would have cost, and savings/report count it", async () => {
    const ledgerPath = join(directory, "tokenwise.db");
    const store = createSqliteStore({ path: join(directory, "embeddings.db") });
    const ledger = createSqliteLedger({ path: ledgerPath });
    let totalSaved = 0n;
    try {
      const client = createClient({
        providers: {
          openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: OPENAI_KEY },
        },
        embeddingCache: { store },
        ledger,
        sleep: async () => {},
      });
      // A miss: nothing saved, and the record says none of its inputs came from the cache.
      const miss = await client.embed({ model: MODEL, input: [ALPHA, BETA] });
      expect(miss).toMatchObject({ hits: 0, misses: 2, saved: 0n });
      // A partial hit: ALPHA (twice) and BETA from the cache, only GAMMA paid for.
      const partial = await client.embed({ model: MODEL, input: [ALPHA, GAMMA, BETA, ALPHA] });
      const partialSaved = priceOf(2 * tokensOf(ALPHA) + tokensOf(BETA));
      expect(partial).toMatchObject({ hits: 3, misses: 1, saved: partialSaved });
      // A full hit: $0 charged, the whole input saved.
      const full = await client.embed({ model: MODEL, input: GAMMA });
      const fullSaved = priceOf(tokensOf(GAMMA));
      expect(full).toMatchObject({ hits: 1, misses: 0, saved: fullSaved, cost: { total: 0n } });
      expect(fullSaved).toBeGreaterThan(usd("0.000001"));
      totalSaved = partialSaved + fullSaved;
      expect(mock.requests.map((request) => (request.body as { input: string[] }).input)).toEqual([
        [ALPHA, BETA],
        [GAMMA],
      ]);

      const records = await ledger.records();
      expect(
        records.map((record) => ({
          cached: record.cached === true,
          savedCost: record.metadata?.savedCost,
          cachedInputs: record.metadata?.cachedInputs,
        })),
      ).toEqual([
        { cached: false, savedCost: undefined, cachedInputs: undefined },
        { cached: false, savedCost: toDecimalString(partialSaved), cachedInputs: 3 },
        { cached: true, savedCost: toDecimalString(fullSaved), cachedInputs: 1 },
      ]);

      const savings = await ledgerSavings({ ledger });
      expect(savings).toMatchObject({
        calls: 3,
        cacheHits: 1,
        partialCacheHits: 1,
        cacheHitSaved: partialSaved + fullSaved,
        cacheHitsWithoutSavedCost: 0,
        spent: miss.cost.total + partial.cost.total,
      });
      const report = await buildSpendReport({ ledger });
      expect(report.totals.savedCost).toBe(partialSaved + fullSaved);
    } finally {
      await ledger.close();
      await store.close();
    }

    const text = await cli("savings", "--ledger", ledgerPath);
    expect(text.err).toBe("");
    expect(text.code).toBe(0);
    expect(text.out).not.toContain("carry no savedCost");
    const hitsLine = text.out.split("\n").find((line) => line.startsWith("saved by cache hits"));
    expect(hitsLine?.split(/\s{2,}/)).toEqual([
      "saved by cache hits",
      formatUsd(totalSaved),
      "1 hits, 1 partial",
    ]);
    const json = JSON.parse((await cli("savings", "--ledger", ledgerPath, "--json")).out);
    expect(json.cacheHitSaved).toBe(toDecimalString(totalSaved));
    expect(json.cacheHitsWithoutSavedCost).toBe(0);
    const reportJson = JSON.parse((await cli("report", "--ledger", ledgerPath, "--json")).out);
    expect(reportJson.totals.savedCost).toBe(toDecimalString(totalSaved));
  });
});
