/**
 * A key registry that lives only in this process: the SQLite engine on an in-memory database,
 * so tests and throwaway gateways get exactly the same behaviour with nothing on disk.
 */
import { createSqliteKeyRegistry } from "./sqlite-key-registry.js";
import type { KeyRegistry } from "./types.js";

export interface MemoryKeyRegistryOptions {
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
}

/**
 * @example
 * ```ts
 * const registry = createMemoryKeyRegistry();
 * const { secret } = await registry.create({ name: "test" });
 * ```
 */
export function createMemoryKeyRegistry(options: MemoryKeyRegistryOptions = {}): KeyRegistry {
  return createSqliteKeyRegistry({ path: ":memory:", now: options.now });
}
