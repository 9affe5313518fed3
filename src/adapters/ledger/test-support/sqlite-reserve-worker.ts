/**
 * A separate process that races for budget in a shared SQLite ledger file. The parent sends
 * a {@link WorkerJob} and then "go"; the worker walks the scopes in order, reserving as fast
 * as it can, and reports how many it got and the most it ever saw held in any scope. Any
 * failure (the file cannot be opened, a reservation fails other than for budget) reaches the
 * parent through `reportWorkerFailures`.
 */
import { TokenwiseError } from "../../../core/errors/index.js";
import { createSqliteLedger } from "../sqlite-ledger.js";
import { reportWorkerFailures } from "./worker-failures.js";

export interface WorkerJob {
  path: string;
  scopes: string[];
  attemptsPerScope: number;
  amount: string;
  limit: string;
}

export interface WorkerReport {
  granted: number;
  refused: number;
  mostHeld: string;
}

function send(message: unknown): void {
  process.send?.(message);
}

reportWorkerFailures();
process.once("message", (job: WorkerJob) => {
  const ledger = createSqliteLedger({ path: job.path, busyTimeoutMs: 30_000 });
  send("ready");
  process.once("message", async () => {
    const limit = BigInt(job.limit);
    const amount = BigInt(job.amount);
    let granted = 0;
    let refused = 0;
    let mostHeld = 0n;
    for (const scope of job.scopes) {
      for (let attempt = 0; attempt < job.attemptsPerScope; attempt++) {
        try {
          await ledger.reserve({ scope, amount, ttlMs: 600_000, limit });
          granted += 1;
        } catch (error) {
          if (!TokenwiseError.hasCode(error, "budget_exceeded")) throw error;
          refused += 1;
        }
        const held = (await ledger.spent(scope)) + (await ledger.reserved(scope));
        if (held > mostHeld) mostHeld = held;
      }
    }
    await ledger.close();
    const report: WorkerReport = { granted, refused, mostHeld: mostHeld.toString() };
    send(report);
    process.disconnect?.();
  });
});
