/**
 * What `Ledger.observeBalances` must report, for every engine that has it: the balances each
 * reserve and first settle left on every scope (other reservations included), nothing for a
 * refused reserve, a retried settle or a stopped listener, and a throwing listener ignored.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { usd } from "../../../core/money/index.js";
import type { Ledger } from "../ledger.js";

export function describeBalanceObservations(
  name: string,
  open: () => Promise<{ ledger: Ledger; cleanup(): Promise<void> }>,
): void {
  describe(`${name} ledger balance observations`, () => {
    let ledger: Ledger;
    let cleanup: () => Promise<void>;
    let seen: unknown[];
    let stop: () => void;

    beforeEach(async () => {
      ({ ledger, cleanup } = await open());
      seen = [];
      stop = ledger.observeBalances?.((balances) => seen.push(balances)) ?? (() => {});
    });

    afterEach(async () => {
      await cleanup();
    });

    it("is offered by the engine", () => {
      expect(typeof ledger.observeBalances).toBe("function");
    });

    const budgets = [
      { scope: "key:1", limit: usd("1") },
      { scope: "team:a", limit: usd("5") },
    ];

    it("reports what a reserve and a settle left on every scope, other reservations included", async () => {
      await ledger.reserve({
        amount: usd("0.2"),
        ttlMs: 60_000,
        budgets: [{ scope: "team:a", limit: usd("5") }],
      });
      seen = [];
      const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
      expect(seen).toEqual([
        [
          { scope: "key:1", spent: 0n, reserved: usd("0.5") },
          { scope: "team:a", spent: 0n, reserved: usd("0.7") },
        ],
      ]);
      await ledger.settle(id, usd("0.3"));
      expect(seen[1]).toEqual([
        { scope: "key:1", spent: usd("0.3"), reserved: 0n },
        { scope: "team:a", spent: usd("0.3"), reserved: usd("0.2") },
      ]);
      expect(await ledger.remaining("team:a", usd("5"))).toBe(usd("4.5"));
    });

    it("reports nothing for a refused reserve, a retried settle, or after the listener stops", async () => {
      await expect(
        ledger.reserve({ amount: usd("2"), ttlMs: 60_000, budgets }),
      ).rejects.toMatchObject({ code: "budget_exceeded" });
      expect(seen).toEqual([]);
      const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
      await ledger.settle(id, usd("0.1"));
      expect(seen).toHaveLength(2);
      await ledger.settle(id, usd("0.1"));
      expect(seen).toHaveLength(2);
      stop();
      await ledger.reserve({ amount: usd("0.1"), ttlMs: 60_000, budgets });
      expect(seen).toHaveLength(2);
    });

    it("keeps a listener that throws from failing the operation", async () => {
      ledger.observeBalances?.(() => {
        throw new Error("listener bug");
      });
      const { id } = await ledger.reserve({ amount: usd("0.5"), ttlMs: 60_000, budgets });
      await expect(ledger.settle(id, usd("0.1"))).resolves.toMatchObject({ actual: usd("0.1") });
      expect(seen).toHaveLength(2);
    });
  });
}
