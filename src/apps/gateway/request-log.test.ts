import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteLedger, type Ledger } from "../../adapters/ledger/index.js";
import { createRequestLog } from "./request-log.js";

describe("createRequestLog", () => {
  let directory: string;
  let path: string;
  let ledger: Ledger;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-request-log-"));
    path = join(directory, "ledger.db");
    ledger = createSqliteLedger({ path });
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const entry = (requestId: string) => ({
    scope: "key:key_1",
    model: "gpt-4o-mini",
    provider: "gateway",
    requestId,
    metadata: { outcome: "rate_limited", status: 429 },
  });

  it("asks for a flush's rows together (one commit on SQLite), in order, at $0", async () => {
    let inFlight = 0;
    let most = 0;
    const counting: Ledger = {
      ...ledger,
      record: async (record) => {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          return await ledger.record(record);
        } finally {
          inFlight--;
        }
      },
    };
    const log = createRequestLog({ ledger: counting, flushIntervalMs: 60_000 });
    for (const id of ["req_1", "req_2", "req_3"]) log.add(entry(id));
    await log.flush();
    expect(most).toBe(3);
    const rows = await ledger.records({ scope: "key:key_1" });
    expect(rows.map((row) => [row.requestId, row.cost])).toEqual([
      ["req_1", 0n],
      ["req_2", 0n],
      ["req_3", 0n],
    ]);
  });

  it("reports a row the ledger refuses and writes the others", async () => {
    const errors: unknown[] = [];
    const log = createRequestLog({ ledger, onError: (error) => errors.push(error) });
    log.add(entry("req_1"));
    log.add({ ...entry("req_2"), scope: "" });
    log.add(entry("req_3"));
    await log.flush();
    expect(errors).toHaveLength(1);
    expect((await ledger.records()).map((row) => row.requestId)).toEqual(["req_1", "req_3"]);
  });
});
