/**
 * The open/closed state every store and ledger engine keeps, and the wrapper its operations
 * run in, so each engine refuses use after close and reports driver failures the same way.
 */
import { storeClosedError, storeFailure } from "./store-input.js";

export interface EngineLifecycle {
  /** Throws `store_error` once the engine is closed. */
  ensureOpen(): void;
  /** Runs `work` while open; a driver failure becomes a `store_error` naming the operation. */
  run<T>(operation: string, work: () => T): T;
  /** {@link EngineLifecycle.run} for asynchronous work; a rejection is wrapped the same way. */
  runAsync<T>(operation: string, work: () => Promise<T>): Promise<T>;
  /** Marks the engine closed; true only the first time, so its connection is released once. */
  close(): boolean;
}

/**
 * Creates the lifecycle of one engine; `engine` names it in errors ("SQLite store").
 *
 * @example
 * ```ts
 * const lifecycle = createEngineLifecycle("Redis store");
 * await lifecycle.runAsync("get", () => client.get(key)); // store_error "Redis store get failed: ..."
 * if (lifecycle.close()) await client.quit();
 * ```
 */
export function createEngineLifecycle(engine: string): EngineLifecycle {
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw storeClosedError(engine);
  };
  return {
    ensureOpen,
    run(operation, work) {
      ensureOpen();
      try {
        return work();
      } catch (cause) {
        throw storeFailure(`${engine} ${operation}`, cause);
      }
    },
    async runAsync(operation, work) {
      ensureOpen();
      try {
        return await work();
      } catch (cause) {
        throw storeFailure(`${engine} ${operation}`, cause);
      }
    },
    close() {
      if (closed) return false;
      closed = true;
      return true;
    },
  };
}
