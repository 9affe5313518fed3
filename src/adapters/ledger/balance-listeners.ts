/**
 * The listeners of `Ledger.observeBalances`, for the engines (and wrappers) that report
 * balances: added and removed, told what an operation left, each one's failure its own.
 */
import type { BalanceListener, ScopeBalance } from "./ledger.js";

export interface BalanceListeners {
  /** The body of `observeBalances`: adds `listener`, returns what removes it. */
  observe(listener: BalanceListener): () => void;
  /** Calls every listener with `balances`; a listener that throws is ignored. */
  tell(balances: readonly ScopeBalance[]): void;
  /** True while at least one listener is registered (work for them can be skipped otherwise). */
  any(): boolean;
  clear(): void;
}

/**
 * @example
 * ```ts
 * const listeners = balanceListeners();
 * const ledger = { ..., observeBalances: listeners.observe };
 * listeners.tell([{ scope: "team:a", spent: 5n, reserved: 0n }]);
 * ```
 */
export function balanceListeners(): BalanceListeners {
  const listeners = new Set<BalanceListener>();
  return {
    observe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    tell(balances) {
      for (const listener of listeners) {
        try {
          listener(balances);
        } catch {
          // A listener's failure is its own; the ledger operation succeeded.
        }
      }
    },
    any: () => listeners.size > 0,
    clear: () => listeners.clear(),
  };
}
