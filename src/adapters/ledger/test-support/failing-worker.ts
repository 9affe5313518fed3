/**
 * A worker that fails the way real ones can, for the tests of `startWorker`: asked
 * `{ fail: "throw" }` it throws in its message handler, `"reject"` rejects a promise nobody
 * awaits, `"exit"` exits with code 3 after writing to stderr, anything else is echoed back.
 */
import { reportWorkerFailures } from "./worker-failures.js";

export type FailingWorkerJob = { fail: "throw" | "reject" | "exit" } | { echo: string };

reportWorkerFailures();
process.on("message", (job: FailingWorkerJob) => {
  if (!("fail" in job)) {
    process.send?.(job.echo);
    return;
  }
  if (job.fail === "throw") throw new Error("thrown before answering");
  if (job.fail === "reject") {
    void Promise.reject(new Error("rejected before answering"));
    return;
  }
  process.stderr.write("native crash, no message\n");
  process.exit(3);
});
