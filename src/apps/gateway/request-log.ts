/**
 * The ledger rows of requests that never reached the spend path (refused, invalid, rate
 * limited, failed before the upstream answered): appended in batches, off the response path,
 * and flushed on shutdown. Spend itself is never written here: a served request's row is
 * written by the client's settle, in the same transaction as its charge.
 */

import type { JsonValue, Ledger } from "../../adapters/ledger/index.js";
import { emptyUsage } from "../../core/cost/index.js";

export interface RequestLogEntry {
  scope: string;
  model: string;
  provider: string;
  requestId: string;
  metadata: { [key: string]: JsonValue };
}

export interface RequestLog {
  add(entry: RequestLogEntry): void;
  /** Writes everything queued; resolves when it is in the ledger. */
  flush(): Promise<void>;
}

/**
 * @example
 * ```ts
 * const log = createRequestLog({ ledger, flushIntervalMs: 250 });
 * log.add({ scope: "key:key_1", model: "gpt-4o-mini", provider: "gateway", requestId, metadata: { outcome: "budget_exceeded" } });
 * await log.flush();
 * ```
 */
export function createRequestLog(options: {
  ledger: Ledger;
  flushIntervalMs?: number;
  maxBatch?: number;
  onError?: (error: unknown) => void;
}): RequestLog {
  const { ledger } = options;
  const interval = options.flushIntervalMs ?? 250;
  const maxBatch = options.maxBatch ?? 200;
  let queue: RequestLogEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const writeBatch = (batch: RequestLogEntry[]) => {
    writing = writing.then(async () => {
      // Asked for together, so a ledger that groups writes (SQLite) commits them as one.
      await Promise.all(
        batch.map(async (entry) => {
          try {
            await ledger.record({ ...entry, usage: emptyUsage(), cost: 0n });
          } catch (error) {
            options.onError?.(error);
          }
        }),
      );
    });
    return writing;
  };
  const drain = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    return writeBatch(batch);
  };
  return {
    add(entry) {
      queue.push(entry);
      if (queue.length >= maxBatch) void drain();
      else if (timer === undefined) {
        timer = setTimeout(() => void drain(), interval);
        timer.unref();
      }
    },
    flush: drain,
  };
}
