/**
 * A batched, bounded, idempotent writer of spend records to PostgreSQL, for a gateway that
 * must keep serving while the database is slow or down. `write` never waits on the database:
 * it buffers the record, and batches go out every `flushIntervalMs` or as soon as
 * `maxBatchRows` are waiting. When PostgreSQL is unreachable the rows stay buffered, up to
 * `maxBufferedRows`, and are written when it answers again; past the bound `write` refuses the
 * record and counts it, so memory never grows without bound. Each record carries a unique
 * request id and is written with ON CONFLICT DO NOTHING, so a batch retried after a lost
 * acknowledgement is never charged twice.
 */
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import { openPostgresConnection, type PostgresConnectionOptions } from "../stores/index.js";
import type { SpendRecord, SpendRecordInput } from "./ledger.js";
import { toSpendRecord } from "./ledger-input.js";
import { insertSpendRows, ledgerTables } from "./postgres-spend-rows.js";

export interface PostgresSpendWriterOptions extends PostgresConnectionOptions {
  /** Most rows per INSERT (default 500). A full batch is flushed at once. */
  maxBatchRows?: number;
  /** How long a row may wait for its batch, in ms (default 1000). */
  flushIntervalMs?: number;
  /** Most rows held while PostgreSQL does not answer (default 10,000); more are refused. */
  maxBufferedRows?: number;
  /** Longest wait between retries while PostgreSQL is down, in ms (default 30,000). */
  maxRetryDelayMs?: number;
}

/** A spend record for the writer: the request id is what makes writing it idempotent. */
export type SpendWrite = SpendRecordInput & { requestId: string };

/** What the writer has done, for /healthz and metrics. Counters only grow. */
export interface SpendWriterStats {
  /** Rows waiting to be written now. */
  buffered: number;
  maxBufferedRows: number;
  /** Rows written (new to the database). */
  written: number;
  /** Rows the database already had (a retried or replayed request id): charged once. */
  duplicates: number;
  /** Rows refused because the buffer was full: these were NOT written. */
  refused: number;
  /** Flushes that failed; their rows stayed buffered. */
  failedFlushes: number;
  /** Why the last flush failed, or undefined once one succeeds again. */
  lastError: string | undefined;
  /** False while the last flush failed or the buffer is full (new rows would be refused). */
  healthy: boolean;
}

/** What one {@link SpendWriter.flush} did. */
export interface SpendFlushResult {
  written: number;
  duplicates: number;
  /** Rows still buffered afterwards (written later). */
  pending: number;
  /** Set when PostgreSQL failed; the rows it did not take stay buffered. */
  error?: TokenwiseError;
}

export interface SpendWriter {
  /**
   * Buffers a record (validated now, time stamped now if missing); true when accepted, false
   * when the buffer is full and the record was refused (counted in `refused`).
   */
  write(record: SpendWrite): boolean;
  /** Writes everything buffered now, in batches; never rejects for a database failure. */
  flush(): Promise<SpendFlushResult>;
  stats(): SpendWriterStats;
  /**
   * Stops the timer, flushes, and ends an owned pool. Rejects with `store_error` naming how
   * many rows could not be written when PostgreSQL is still down. Calling it twice is harmless.
   */
  close(): Promise<void>;
}

/**
 * Creates a spend writer over the PostgreSQL ledger's tables (migrated on first flush unless
 * `migrate: false`).
 *
 * @example
 * ```ts
 * const writer = createPostgresSpendWriter({ url: process.env.POSTGRES_URL, maxBufferedRows: 50_000 });
 * closeOnSignals(writer);
 * writer.write({ requestId: "req_123", scope: "key:abc", model: "gpt-4o", provider: "openai", usage, cost });
 * app.get("/healthz", () => writer.stats());
 * ```
 */
export function createPostgresSpendWriter(options: PostgresSpendWriterOptions): SpendWriter {
  const maxBatchRows = positiveOption(options.maxBatchRows, "maxBatchRows", 500);
  const flushIntervalMs = positiveOption(options.flushIntervalMs, "flushIntervalMs", 1000);
  const maxBufferedRows = positiveOption(options.maxBufferedRows, "maxBufferedRows", 10_000);
  const maxRetryDelayMs = positiveOption(options.maxRetryDelayMs, "maxRetryDelayMs", 30_000);
  const { pool, owned, schema, ready } = openPostgresConnection(options);
  const tables = ledgerTables(schema);

  const buffer: SpendRecord[] = [];
  const counters = { written: 0, duplicates: 0, refused: 0, failedFlushes: 0 };
  let lastError: string | undefined;
  let consecutiveFailures = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<SpendFlushResult> | undefined;
  let closed = false;

  const schedule = (delayMs: number) => {
    if (timer !== undefined || closed || buffer.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
    // A buffered row must not keep the process alive by itself; close() flushes it.
    timer.unref();
  };

  const drain = async (): Promise<SpendFlushResult> => {
    let written = 0;
    let duplicates = 0;
    try {
      await ready();
      while (buffer.length > 0) {
        const batch = buffer.slice(0, maxBatchRows);
        const inserted = await insertSpendRows(pool, tables, batch);
        // Rows written during the await were appended after the batch, which is still first.
        buffer.splice(0, batch.length);
        written += inserted;
        duplicates += batch.length - inserted;
      }
      consecutiveFailures = 0;
      lastError = undefined;
      return { written, duplicates, pending: 0 };
    } catch (cause) {
      consecutiveFailures += 1;
      counters.failedFlushes += 1;
      const reason = cause instanceof Error ? cause.message : String(cause);
      lastError = reason;
      const error = new TokenwiseError(
        "store_error",
        `Writing spend records to PostgreSQL failed (${buffer.length} kept buffered for a retry): ${reason}`,
        { cause },
      );
      return { written, duplicates, pending: buffer.length, error };
    } finally {
      counters.written += written;
      counters.duplicates += duplicates;
    }
  };

  const flush = async (): Promise<SpendFlushResult> => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    // One flush at a time; a flush asked for meanwhile runs after it, for the rows left.
    while (inFlight !== undefined) await inFlight;
    inFlight = drain();
    const result = await inFlight;
    inFlight = undefined;
    if (result.error === undefined) schedule(flushIntervalMs);
    else schedule(Math.min(flushIntervalMs * 2 ** consecutiveFailures, maxRetryDelayMs));
    return result;
  };

  return {
    write(input: SpendWrite) {
      if (closed) throw new TokenwiseError("store_error", "PostgreSQL spend writer is closed");
      const record = toSpendRecord(input, Date.now());
      if (typeof record.requestId !== "string" || record.requestId.length === 0) {
        throw invalidInput(
          "record.requestId",
          "is required: the writer uses it to write each record exactly once",
        );
      }
      if (buffer.length >= maxBufferedRows) {
        counters.refused += 1;
        return false;
      }
      buffer.push(record);
      // While PostgreSQL is failing, retries wait for the backoff timer, not every write.
      const batchFull = buffer.length >= maxBatchRows && consecutiveFailures === 0;
      if (batchFull && inFlight === undefined) void flush();
      else schedule(flushIntervalMs);
      return true;
    },
    flush,
    stats() {
      return {
        buffered: buffer.length,
        maxBufferedRows,
        ...counters,
        lastError,
        healthy: lastError === undefined && buffer.length < maxBufferedRows,
      };
    },
    async close() {
      if (closed) return;
      const result = await flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (owned) await pool.end();
      if (result.error !== undefined) {
        throw new TokenwiseError(
          "store_error",
          `PostgreSQL spend writer closed with ${result.pending} spend records unwritten: ${lastError}`,
          { cause: result.error, details: { pending: result.pending } },
        );
      }
    },
  };
}

/**
 * Makes `signals` close `writer` (flushing its buffer) before the process exits the way the
 * signal would have ended it. Returns a function that removes the handlers.
 *
 * @example
 * ```ts
 * const uninstall = closeOnSignals(writer, { onError: (error) => console.error(error.message) });
 * ```
 */
export function closeOnSignals(
  writer: Pick<SpendWriter, "close">,
  options: { signals?: readonly NodeJS.Signals[]; onError?: (error: unknown) => void } = {},
): () => void {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const uninstall = () => {
    for (const signal of signals) process.off(signal, handle);
  };
  const handle = (signal: NodeJS.Signals) => {
    uninstall();
    writer
      .close()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        // No handler is left, so the signal now does what it would have done.
        process.kill(process.pid, signal);
      });
  };
  for (const signal of signals) process.once(signal, handle);
  return uninstall;
}

function positiveOption(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw invalidInput(field, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}
