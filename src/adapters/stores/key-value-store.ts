/**
 * One key-value interface with TTL, implemented by every engine (memory, SQLite, Redis), so the
 * response and embedding caches run unchanged on any of them.
 *
 * Values are either text or bytes, and come back as the same kind they were stored as: JSON
 * goes in as a string, an embedding as the bytes of its `Float32Array`.
 *
 * @example
 * ```ts
 * const store: KeyValueStore = createMemoryStore({ maxEntries: 10_000 });
 * await store.set("greeting", "hello", { ttlMs: 60_000 });
 * await store.get("greeting"); // "hello"
 * ```
 */

/** What a store holds: text, or raw bytes. */
export type StoreValue = string | Uint8Array;

export interface SetOptions {
  /** Time to live in milliseconds (a positive integer). Without it the entry never expires. */
  ttlMs?: number;
}

/** One entry for {@link KeyValueStore.setMany}. */
export interface StoreEntry extends SetOptions {
  key: string;
  value: StoreValue;
}

export interface KeyValueStore {
  /** The value under `key`, or `undefined` when there is none or it has expired. */
  get(key: string): Promise<StoreValue | undefined>;
  /** Values for several keys in one round trip, in the order of `keys`. */
  getMany(keys: readonly string[]): Promise<Array<StoreValue | undefined>>;
  /** Stores `value` under `key`, replacing any previous value and its TTL. */
  set(key: string, value: StoreValue, options?: SetOptions): Promise<void>;
  /** Stores several entries in one round trip (one transaction where the engine has them). */
  setMany(entries: readonly StoreEntry[]): Promise<void>;
  /** Deletes `key`; true when a live entry was there. */
  delete(key: string): Promise<boolean>;
  /**
   * Deletes every live entry whose key starts with `prefix` (all of this store's entries when
   * `prefix` is omitted) and returns how many it deleted. Never touches another namespace.
   */
  clear(prefix?: string): Promise<number>;
  /** Releases the connection or memory. Calling it twice is harmless. */
  close(): Promise<void>;
}
