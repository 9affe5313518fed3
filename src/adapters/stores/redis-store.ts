/**
 * A key-value store in Redis, for state shared by several processes or machines. Every key
 * lives under a prefix (namespace), and TTLs are Redis's own (`SET ... PX`).
 */
import { createEngineLifecycle } from "./engine-lifecycle.js";
import type { KeyValueStore, SetOptions, StoreEntry, StoreValue } from "./key-value-store.js";
import {
  assertRedisPrefix,
  escapeRedisGlob,
  openRedisConnection,
  type RedisConnectionOptions,
} from "./redis-connection.js";
import {
  assertStoreEntries,
  assertStoreKey,
  assertStoreKeys,
  assertStorePrefix,
  assertStoreValue,
  assertTtlMs,
} from "./store-input.js";

export interface RedisStoreOptions extends RedisConnectionOptions {
  /** Namespace put before every key (default "tokenwise:kv:"). `clear()` only touches it. */
  prefix?: string;
}

// Redis strings are bytes; one leading tag byte records whether the value was text or bytes.
const TEXT_TAG = 0x73;
const BYTES_TAG = 0x62;
const SCAN_COUNT = 1000;

/**
 * Creates a Redis-backed store.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const client = new Redis("redis://127.0.0.1:6379");
 * const store = createRedisStore({ client, prefix: "myapp:cache:" });
 * await store.set("answer", "42", { ttlMs: 60_000 });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): KeyValueStore {
  const prefix = options.prefix ?? "tokenwise:kv:";
  assertRedisPrefix(prefix);
  const { client, owned } = openRedisConnection(options);
  const lifecycle = createEngineLifecycle("Redis store");
  const run = lifecycle.runAsync;

  return {
    async get(key: string) {
      assertStoreKey(key);
      return run("get", async () => decode(await client.getBuffer(prefix + key)));
    },
    async getMany(keys: readonly string[]) {
      assertStoreKeys(keys);
      if (keys.length === 0) return [];
      return run("getMany", async () => {
        const values = await client.mgetBuffer(keys.map((key) => prefix + key));
        return values.map(decode);
      });
    },
    async set(key: string, value: StoreValue, setOptions: SetOptions = {}) {
      assertStoreKey(key);
      assertStoreValue(value);
      assertTtlMs(setOptions.ttlMs);
      const { ttlMs } = setOptions;
      await run("set", async () => {
        if (ttlMs === undefined) await client.set(prefix + key, encode(value));
        else await client.set(prefix + key, encode(value), "PX", ttlMs);
      });
    },
    async setMany(entries: readonly StoreEntry[]) {
      assertStoreEntries(entries);
      if (entries.length === 0) return;
      await run("setMany", async () => {
        const transaction = client.multi();
        for (const { key, value, ttlMs } of entries) {
          if (ttlMs === undefined) transaction.set(prefix + key, encode(value));
          else transaction.set(prefix + key, encode(value), "PX", ttlMs);
        }
        const results = await transaction.exec();
        const failed = results?.find(([error]) => error !== null);
        if (failed?.[0]) throw failed[0];
      });
    },
    async delete(key: string) {
      assertStoreKey(key);
      return run("delete", async () => (await client.del(prefix + key)) > 0);
    },
    async clear(keyPrefix = "") {
      assertStorePrefix(keyPrefix);
      return run("clear", async () => {
        const pattern = `${escapeRedisGlob(prefix + keyPrefix)}*`;
        let deleted = 0;
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
          cursor = next;
          if (keys.length > 0) deleted += await client.unlink(...keys);
        } while (cursor !== "0");
        return deleted;
      });
    },
    async close() {
      if (lifecycle.close() && owned) await client.quit();
    },
  };
}

function encode(value: StoreValue): Buffer {
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    const tagged = Buffer.allocUnsafe(text.length + 1);
    tagged[0] = TEXT_TAG;
    text.copy(tagged, 1);
    return tagged;
  }
  const tagged = Buffer.allocUnsafe(value.byteLength + 1);
  tagged[0] = BYTES_TAG;
  tagged.set(value, 1);
  return tagged;
}

function decode(stored: Buffer | null): StoreValue | undefined {
  if (stored === null || stored.length === 0) return undefined;
  if (stored[0] === TEXT_TAG) return stored.toString("utf8", 1);
  if (stored[0] === BYTES_TAG) return new Uint8Array(stored.subarray(1));
  // Not written by this store (another program shares the prefix): treat it as absent.
  return undefined;
}
