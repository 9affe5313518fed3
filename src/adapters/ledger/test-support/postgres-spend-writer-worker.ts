/**
 * A separate process that buffers spend records and is then sent SIGTERM. The parent sends a
 * {@link SpendWriterJob}; the worker writes the records with a flush interval far in the
 * future, says "buffered", and waits: only the SIGTERM flush can write them. A failure before
 * that reaches the parent through `reportWorkerFailures`.
 */
import { emptyUsage } from "../../../core/cost/index.js";
import { closeOnSignals, createPostgresSpendWriter } from "../postgres-spend-writer.js";
import { reportWorkerFailures } from "./worker-failures.js";

export interface SpendWriterJob {
  url: string;
  schema: string;
  count: number;
}

reportWorkerFailures();
process.once("message", (job: SpendWriterJob) => {
  const writer = createPostgresSpendWriter({
    url: job.url,
    schema: job.schema,
    // The parent migrated the schema; this compiled copy does not ship the SQL files.
    migrate: false,
    flushIntervalMs: 600_000,
    maxBatchRows: 1_000_000,
  });
  closeOnSignals(writer, {
    signals: ["SIGTERM"],
    onError: (error) => process.stderr.write(`${String(error)}\n`),
  });
  for (let index = 0; index < job.count; index++) {
    writer.write({
      requestId: `sigterm-${index}`,
      scope: "sigterm",
      model: "gpt-4o",
      provider: "openai",
      usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 1 },
      cost: 1_000_000n,
    });
  }
  setInterval(() => undefined, 60_000);
  process.send?.(writer.stats().buffered === job.count ? "buffered" : "lost");
});
