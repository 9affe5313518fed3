/**
 * The worker's side of a test worker process: an error nothing caught (thrown in a message
 * handler, a rejected promise) is sent to the parent as a {@link WorkerFailure} before the
 * process exits with code 1, so the parent's `startWorker(...).request()` rejects with it at
 * once instead of waiting for an answer that never comes.
 */

/** What a worker sends its parent when it fails. */
export interface WorkerFailure {
  workerFailure: string;
}

/**
 * @example
 * ```ts
 * isWorkerFailure({ workerFailure: "Error: boom" }); // true
 * ```
 */
export function isWorkerFailure(message: unknown): message is WorkerFailure {
  return (
    typeof message === "object" &&
    message !== null &&
    typeof (message as Partial<WorkerFailure>).workerFailure === "string"
  );
}

/**
 * Call first thing in a worker.
 *
 * @example
 * ```ts
 * reportWorkerFailures();
 * process.once("message", (job) => { ... });
 * ```
 */
export function reportWorkerFailures(): void {
  let failing = false;
  const fail = (error: unknown) => {
    if (failing) return;
    failing = true;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${text}\n`);
    const failure: WorkerFailure = { workerFailure: text };
    if (process.send !== undefined && process.connected) {
      process.send(failure, () => process.exit(1));
    } else {
      process.exit(1);
    }
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
}
