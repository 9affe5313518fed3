/**
 * The parent's side of a test worker process (a file compiled by `compileForNode`): send it a
 * message and wait for its answer, failing fast, with the worker's own error, when it crashes,
 * exits or cannot start instead of answering. Without this a crashed worker leaves the parent
 * waiting for a message that never comes until the test times out, and the timeout says nothing
 * about why. Workers call `reportWorkerFailures()` (worker-failures.ts) so an uncaught error
 * reaches the parent as a message before they exit.
 */
import { type ChildProcess, fork } from "node:child_process";
import { isWorkerFailure } from "./worker-failures.js";

/** How much of a worker's stderr an error quotes (its end, where the crash is). */
const STDERR_TAIL_CHARS = 4000;

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /**
   * Sends `message` (when given) and resolves with the worker's next message. Rejects with the
   * worker's error when it reports a failure, exits or cannot be started before it answers.
   */
  request<T>(message?: unknown): Promise<T>;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<WorkerExit>;
  /** Kills the process if it is still running. */
  kill(signal?: NodeJS.Signals): void;
}

interface Waiter {
  resolve(message: unknown): void;
  reject(error: Error): void;
}

/**
 * @example
 * ```ts
 * const worker = startWorker(compiled.entry, "migrator 1");
 * try {
 *   await worker.request(job); // "ready", or rejects with the worker's error
 *   const report = await worker.request<MigrateReport>("go");
 * } finally {
 *   worker.kill();
 * }
 * ```
 */
export function startWorker(entry: string, name = "worker"): WorkerProcess {
  const child = fork(entry, [], { execArgv: [], stdio: ["ignore", "inherit", "pipe", "ipc"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  const inbox: unknown[] = [];
  const waiters: Waiter[] = [];
  let failure: Error | undefined;
  let reported: string | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const waiter of waiters.splice(0)) waiter.reject(failure);
  };
  const describe = (what: string) => {
    const details = reported ?? stderr.trim();
    return new Error(`${name} ${what}${details === "" ? "" : `:\n${details}`}`);
  };

  child.on("message", (message: unknown) => {
    if (isWorkerFailure(message)) {
      reported = message.workerFailure;
      fail(describe("failed"));
      return;
    }
    const waiter = waiters.shift();
    if (waiter === undefined) inbox.push(message);
    else waiter.resolve(message);
  });
  child.on("error", (error) => fail(describe(`could not run (${error.message})`)));
  const exited = new Promise<WorkerExit>((resolve) => {
    // "close" comes after stderr has ended, so the error can quote all of it.
    child.once("close", (code, signal) => {
      const how = signal === null ? `code ${code}` : `signal ${signal}`;
      fail(describe(`exited (${how}) before answering`));
      resolve({ code, signal });
    });
  });

  return {
    child,
    exited,
    request<T>(message?: unknown): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const queued = inbox.shift();
        if (queued !== undefined) {
          resolve(queued as T);
        } else if (failure !== undefined) {
          reject(failure);
          return;
        } else {
          waiters.push({ resolve: (answer) => resolve(answer as T), reject });
        }
        if (message !== undefined) {
          child.send(message as Parameters<ChildProcess["send"]>[0], (error) => {
            if (error !== null) fail(describe(`could not be sent a message (${error.message})`));
          });
        }
      });
    },
    kill(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
