import type { KeyValueStore } from "../../adapters/stores/index.js";

/**
 * A view of `store` where every key starts with `prefix`, so two tenants sharing one store
 * can never read or clear each other's entries. Closing the view leaves `store` open: the
 * caller who created the store owns it.
 *
 * @example
 * ```ts
 * const tenantStore = namespacedStore(store, "embedding:tenant-42:");
 * await tenantStore.set("k", "v"); // stored as "embedding:tenant-42:k"
 * ```
 */
export function namespacedStore(store: KeyValueStore, prefix: string): KeyValueStore {
  const keyOf = (key: string) => prefix + key;
  return {
    get: (key) => store.get(keyOf(key)),
    getMany: (keys) => store.getMany(keys.map(keyOf)),
    set: (key, value, options) => store.set(keyOf(key), value, options),
    setMany: (entries) =>
      store.setMany(entries.map((entry) => ({ ...entry, key: keyOf(entry.key) }))),
    delete: (key) => store.delete(keyOf(key)),
    clear: (subPrefix) => store.clear(prefix + (subPrefix ?? "")),
    close: async () => {},
  };
}
