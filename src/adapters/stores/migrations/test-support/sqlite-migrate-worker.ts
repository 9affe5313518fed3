/**
 * A separate process that migrates a shared SQLite file. The parent sends a
 * {@link MigrateJob} and then "go", so several workers start migrating together; each reports
 * which migrations it applied. A migration that fails is reported as `{ error }`; anything else
 * that fails (the file cannot be opened) reaches the parent through `reportWorkerFailures`.
 */
import { reportWorkerFailures } from "../../../ledger/test-support/worker-failures.js";
import { openSqliteConnection } from "../../sqlite-database.js";
import type { Migration } from "../migration-files.js";
import { migrateSqlite } from "../sqlite-migrator.js";

export interface MigrateJob {
  path: string;
  migrations: Migration[];
}

export type MigrateReport = { applied: string[] } | { error: string };

reportWorkerFailures();
process.once("message", (job: MigrateJob) => {
  const { database } = openSqliteConnection({ path: job.path, busyTimeoutMs: 20_000 });
  process.send?.("ready");
  process.once("message", () => {
    let report: MigrateReport;
    try {
      report = { applied: migrateSqlite({ database, migrations: job.migrations }).applied };
    } catch (error) {
      report = { error: error instanceof Error ? error.message : String(error) };
    }
    database.close();
    process.send?.(report);
    process.disconnect?.();
  });
});
