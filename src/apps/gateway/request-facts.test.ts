import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createMemoryLedger,
  createSqliteLedger,
  type Ledger,
} from "../../adapters/ledger/index.js";
import { usd } from "../../core/money/index.js";
import { createRequestFacts } from "./request-facts.js";

describe("createRequestFacts: the budget left from reported balances", () => {
  let directory: string;
  let engine: Ledger;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-facts-"));
    engine = createSqliteLedger({ path: join(directory, "ledger.db") });
  });
  afterEach(async () => {
    await engine.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const budgets = [
    { scope: "key:1", limit: usd("1") },
    { scope: "team:a", limit: usd("0.8") },
  ];

  it("gives the least left among the scopes, from balances reported after the mark", async () => {
    const facts = createRequestFacts();
    const ledger = facts.ledger(engine);
    const since = facts.mark();
    expect(facts.remaining(budgets, since)).toBeUndefined();
    const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    expect(facts.remaining(budgets, since)).toBe(usd("0.3"));
    await ledger.settle(id, usd("0.1"));
    expect(facts.remaining(budgets, since)).toBe(usd("0.7"));
    // A request that arrives now has seen no balance of its own yet.
    expect(facts.remaining(budgets, facts.mark())).toBeUndefined();
  });

  it("never goes below zero, and needs a balance for every scope", async () => {
    const facts = createRequestFacts();
    const ledger = facts.ledger(engine);
    const since = facts.mark();
    const { id } = await ledger.reserve({
      amount: usd("0.5"),
      ttlMs: 60_000,
      budgets: [{ scope: "key:1", limit: usd("1") }],
    });
    await ledger.settle(id, usd("3"));
    expect(facts.remaining([{ scope: "key:1", limit: usd("1") }], since)).toBe(0n);
    expect(facts.remaining(budgets, since)).toBeUndefined();
  });

  it("has nothing to report over a ledger that reports no balances", async () => {
    const facts = createRequestFacts();
    const ledger = facts.ledger(createMemoryLedger());
    const since = facts.mark();
    await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
    expect(facts.remaining(budgets, since)).toBeUndefined();
  });
});
