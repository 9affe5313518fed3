/**
 * Reads a ledger's spend log page by page through `Ledger.records`, so a report over a large
 * ledger holds one page in memory at a time, on every engine.
 */
import type { Ledger, SpendQuery, SpendRecord } from "../../adapters/ledger/index.js";

/** Records per page (default). */
export const DEFAULT_PAGE_SIZE = 5000;

/**
 * Every record matching `query`, oldest first, fetched `pageSize` at a time. Pages are cut on
 * record time; records sharing the time at a page's end are read again together with the next
 * page, so none is skipped or counted twice.
 *
 * @example
 * ```ts
 * for await (const record of readRecords(ledger, { since: Date.UTC(2026, 11, 1) })) total += record.cost;
 * ```
 */
export async function* readRecords(
  ledger: Ledger,
  query: SpendQuery = {},
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<SpendRecord> {
  let since = query.since;
  for (;;) {
    const page = await ledger.records({ ...query, since, limit: pageSize });
    if (page.length < pageSize) {
      yield* page;
      return;
    }
    const lastTime = page.at(-1)?.time ?? 0;
    if (page[0]?.time === lastTime) {
      // A whole page at one instant: read that instant without a limit, then move past it.
      yield* await ledger.records({ ...query, since: lastTime, until: lastTime + 1 });
      if (query.until !== undefined && lastTime + 1 >= query.until) return;
      since = lastTime + 1;
      continue;
    }
    for (const record of page) {
      if (record.time < lastTime) yield record;
    }
    since = lastTime;
  }
}
