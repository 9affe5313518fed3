/**
 * Group commit for the SQLite engines. The write operations queued on one connection during a
 * turn of the event loop run in ONE `BEGIN IMMEDIATE` transaction, one after another (each
 * sees the writes before it, exactly as if they had run one by one), and commit together, so
 * a busy process pays one commit (the WAL writes of every page it dirtied) per turn instead of
 * one per operation. Every operation's promise settles only after the commit, so nothing is
 * reported done before it is durable, and other processes see all of a batch or none of it.
 *
 * Engines sharing a connection share its batches. An operation that throws is left out (the
 * batch is rolled back and run again without it) and its promise rejects with its own error;
 * when the transaction itself cannot begin or commit (the file is locked past the busy
 * timeout, the disk is full), every operation of the batch rejects with that error.
 */
import type { SqliteDatabase } from "./sqlite-database.js";

export interface SqliteWriteBatcher {
  /**
   * Queues `work` to run inside the next batch's transaction; resolves with what it returned
   * once the batch committed, or rejects with what it threw.
   */
  write<T>(work: () => T): Promise<T>;
  /** Runs what is queued now, synchronously (before a read that must see it). */
  flush(): void;
}

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const batchers = new WeakMap<SqliteDatabase, SqliteWriteBatcher>();

/**
 * The batcher of a connection (one per connection, shared by every engine on it).
 *
 * @example
 * ```ts
 * const batcher = sqliteWriteBatcher(database);
 * const id = await batcher.write(() => insert.run(row).lastInsertRowid);
 * ```
 */
export function sqliteWriteBatcher(database: SqliteDatabase): SqliteWriteBatcher {
  let batcher = batchers.get(database);
  if (batcher === undefined) {
    batcher = createBatcher(database);
    batchers.set(database, batcher);
  }
  return batcher;
}

function createBatcher(database: SqliteDatabase): SqliteWriteBatcher {
  let queue: Queued[] = [];
  let scheduled = false;
  /** Runs `batch` in one transaction; returns the index of the operation that threw, if any. */
  const runBatch = database.transaction((batch: Queued[], results: unknown[]) => {
    for (let index = 0; index < batch.length; index++) {
      try {
        results[index] = (batch[index] as Queued).work();
      } catch (error) {
        throw new FailedOperation(index, error);
      }
    }
  });
  const flush = () => {
    scheduled = false;
    let batch = queue;
    queue = [];
    while (batch.length > 0) {
      const results: unknown[] = new Array(batch.length);
      try {
        runBatch.immediate(batch, results);
      } catch (error) {
        if (error instanceof FailedOperation) {
          // Rolled back: the one that threw fails alone, the others run again without it.
          (batch[error.index] as Queued).reject(error.cause);
          batch = batch.filter((_queued, index) => index !== error.index);
          continue;
        }
        for (const queued of batch) queued.reject(error);
        return;
      }
      batch.forEach((queued, index) => {
        queued.resolve(results[index]);
      });
      return;
    }
  };
  return {
    write<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush() {
      if (queue.length > 0) flush();
    },
  };
}

/** Carries which operation of a batch threw out of the transaction (which rolls it back). */
class FailedOperation extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super("a batched SQLite operation failed");
  }
}
