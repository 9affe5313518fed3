import { describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { emptyUsage } from "../../core/cost/index.js";
import { readRecords } from "./read-records.js";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe("readRecords", () => {
  it("reads every record once across pages, also when pages end inside a run of equal times", async () => {
    const ledger = createMemoryLedger();
    const times = [1, 2, 2, 2, 3, 4, 4, 5, 5, 5, 5, 5, 6];
    for (const [index, time] of times.entries()) {
      await ledger.record({
        time,
        scope: "s",
        model: "m",
        provider: "p",
        usage: emptyUsage(),
        cost: BigInt(index),
        requestId: String(index),
      });
    }
    for (const pageSize of [1, 2, 3, 4, 5, 100]) {
      const read = await collect(readRecords(ledger, {}, pageSize));
      expect(
        read.map((record) => record.requestId),
        `page size ${pageSize}`,
      ).toEqual(times.map((_, index) => String(index)));
    }
    const windowed = await collect(readRecords(ledger, { since: 2, until: 5 }, 2));
    expect(windowed.map((record) => record.time)).toEqual([2, 2, 2, 3, 4, 4]);
  });
});
