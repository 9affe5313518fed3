/**
 * The Redis ledger's spend log read as an outbox. A settle writes its record into the log in
 * the same Lua script as the charge, so a record is in Redis the moment its money is counted,
 * whatever happens to the process that settled it afterwards (`kill -9`). Something else (the
 * gateway's relay to PostgreSQL) takes the oldest records, writes them durably, and only then
 * removes them by handle; a record removed twice, or written twice before it is removed, is
 * harmless when the durable side is idempotent (a unique request id).
 */
import type { Redis } from "ioredis";
// Internal: assertRedisPrefix stays out of the public index of adapters/stores.
import { assertRedisPrefix } from "../stores/redis-connection.js";
import type { SpendRecord } from "./ledger.js";
import { parseRecord, SEQUENCE_LENGTH } from "./redis-ledger.js";

/** One record waiting in the log, and the handle that removes it. */
export interface OutboxEntry {
  /** The log member: unique, also for two records with the same content. */
  handle: string;
  /** The member's sequence number (16 digits), unique within the log. */
  sequence: string;
  record: SpendRecord;
}

export interface RedisSpendOutbox {
  /** How many records the log holds now. */
  size(): Promise<number>;
  /** The oldest `count` records (by record time), left in place. */
  peek(count: number): Promise<OutboxEntry[]>;
  /** Removes records by handle; resolves to how many were still there. */
  remove(handles: readonly string[]): Promise<number>;
}

/**
 * The outbox over the log of the Redis ledger that uses `prefix` (the same prefix, default
 * "tokenwise:ledger:").
 *
 * @example
 * ```ts
 * const outbox = redisSpendOutbox({ client, prefix: "gateway:ledger:" });
 * const entries = await outbox.peek(500);
 * await writeDurably(entries.map((entry) => entry.record));
 * await outbox.remove(entries.map((entry) => entry.handle));
 * ```
 */
export function redisSpendOutbox(options: { client: Redis; prefix?: string }): RedisSpendOutbox {
  const prefix = options.prefix ?? "tokenwise:ledger:";
  assertRedisPrefix(prefix);
  const { client } = options;
  const logKey = `${prefix}log`;
  return {
    size: () => client.zcard(logKey),
    async peek(count) {
      if (!Number.isSafeInteger(count) || count < 1) return [];
      const members = await client.zrange(logKey, 0, count - 1);
      return members.map((handle) => ({
        handle,
        sequence: handle.slice(0, SEQUENCE_LENGTH),
        record: parseRecord(handle.slice(SEQUENCE_LENGTH + 1)),
      }));
    },
    async remove(handles) {
      if (handles.length === 0) return 0;
      return client.zrem(logKey, ...handles);
    },
  };
}
