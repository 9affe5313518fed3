/**
 * Moves spend records from the Redis ledger's log (the outbox every settle writes into) to
 * PostgreSQL through the batched spend writer, and removes them from Redis only once
 * PostgreSQL has them. One replica relays at a time (a Redis lock with a lease, so a replica
 * that dies hands over within the lease); were two ever to relay the same rows, PostgreSQL
 * keeps one of each (unique request id). While PostgreSQL is down the rows wait in Redis, and
 * the relay retries each cycle.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { OutboxEntry, RedisSpendOutbox, SpendWriter } from "../../../adapters/ledger/index.js";

export interface SpendRelay {
  /** One pass: moves what fits, up to `maxBatchesPerCycle` batches. Never rejects. */
  cycle(): Promise<RelayCycle>;
  /** Rows in the outbox at the last look (every replica looks, relaying or not). */
  pending(): number;
  /** Rows of the outbox this replica handed to the writer and has not removed yet. */
  unconfirmed(): number;
  /**
   * Counts rows this replica just added to the outbox, so the backlog it reports is exact for
   * its own rows between two looks at Redis.
   */
  appended(count?: number): void;
  /** Stops the timer; runs a last cycle first when `flush` (default true). */
  close(options?: { flush?: boolean }): Promise<void>;
}

export interface RelayCycle {
  /** Rows handed to PostgreSQL and removed from the outbox. */
  moved: number;
  /** False when another replica holds the relay lock. */
  relayed: boolean;
  /** Why the cycle stopped early (PostgreSQL or Redis failed). */
  error?: string;
}

export interface SpendRelayOptions {
  client: Redis;
  outbox: RedisSpendOutbox;
  writer: SpendWriter;
  /** The key of the relay lock. */
  lockKey: string;
  /** How often a cycle runs (default 250 ms). */
  intervalMs?: number;
  /** Rows per batch (default 500). */
  batchRows?: number;
  maxBatchesPerCycle?: number;
  /** How long the lock holds without this replica renewing it (default 10 s). */
  lockMs?: number;
  onError?(error: unknown): void;
}

/** Deletes a Redis lock (KEYS[1]) only if the caller (ARGV[1], its token) still holds it. */
export const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Extends the lock only if this replica still holds it.
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Starts relaying at once and every `intervalMs`.
 *
 * @example
 * ```ts
 * const relay = startSpendRelay({ client, outbox, writer, lockKey: "tokenwise:gateway:relay-lock" });
 * await relay.close(); // a last pass, then stop
 * ```
 */
export function startSpendRelay(options: SpendRelayOptions): SpendRelay {
  const { client, outbox, writer, lockKey } = options;
  const intervalMs = options.intervalMs ?? 250;
  const batchRows = options.batchRows ?? 500;
  const maxBatches = options.maxBatchesPerCycle ?? 20;
  const lockMs = options.lockMs ?? 10_000;
  const token = randomUUID();
  let pending = 0;
  /** Rows handed to the writer whose write PostgreSQL has not confirmed yet. */
  let unconfirmed: OutboxEntry[] = [];
  let running: Promise<RelayCycle> | undefined;
  let closed = false;

  const takeLock = async () =>
    (await client.set(lockKey, token, "PX", lockMs, "NX")) === "OK" ||
    (await client.eval(EXTEND, 1, lockKey, token, String(lockMs))) === 1;

  const confirm = async (): Promise<string | undefined> => {
    const result = await writer.flush();
    if (result.error !== undefined) return result.error.message;
    await outbox.remove(unconfirmed.map((entry) => entry.handle));
    unconfirmed = [];
    return undefined;
  };

  const pass = async (): Promise<RelayCycle> => {
    let moved = 0;
    try {
      pending = await outbox.size();
      if (pending === 0 && unconfirmed.length === 0) return { moved, relayed: false };
      if (!(await takeLock())) return { moved, relayed: false };
      try {
        for (let batch = 0; batch < maxBatches; batch++) {
          if (unconfirmed.length === 0) {
            const room = writer.stats().maxBufferedRows - writer.stats().buffered;
            const entries = await outbox.peek(Math.min(batchRows, room));
            if (entries.length === 0) break;
            for (const entry of entries) {
              const { record } = entry;
              // A record written without a request id gets its log sequence, so it stays one row.
              const requestId = record.requestId ?? `outbox_${entry.sequence}`;
              if (!writer.write({ ...record, requestId })) break;
              unconfirmed.push(entry);
            }
          }
          const count = unconfirmed.length;
          const error = await confirm();
          if (error !== undefined) return { moved, relayed: true, error };
          moved += count;
          pending = Math.max(0, pending - count);
          if (count < batchRows) break;
        }
        pending = await outbox.size();
        return { moved, relayed: true };
      } finally {
        await client.eval(RELEASE_LOCK, 1, lockKey, token).catch(() => undefined);
      }
    } catch (error) {
      options.onError?.(error);
      return {
        moved,
        relayed: false,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };

  const cycle = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  // The backlog is looked at on its own, so a pass stuck on a hung PostgreSQL cannot hide it.
  let observing = false;
  const observe = () => {
    if (observing) return;
    observing = true;
    outbox
      .size()
      .then(
        (size) => {
          pending = size;
        },
        (error: unknown) => options.onError?.(error),
      )
      .finally(() => {
        observing = false;
      });
  };
  const timer = setInterval(() => {
    if (closed) return;
    observe();
    void cycle();
  }, intervalMs);
  timer.unref();
  void cycle();

  return {
    cycle,
    pending: () => pending,
    unconfirmed: () => unconfirmed.length,
    appended(count = 1) {
      pending += count;
    },
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (running !== undefined) await running;
      if (closeOptions.flush !== false) await cycle();
    },
  };
}
