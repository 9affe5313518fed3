/**
 * Writing spend records to PostgreSQL, shared by the PostgreSQL ledger and the batched spend
 * writer: one statement appends a whole batch and charges each scope only for the rows that
 * were new, so a batch retried after a lost acknowledgement charges nothing twice.
 */
import type { Usage } from "../cost/usage.js";
import type { SpendRecord } from "./ledger.js";

/** Something that runs a query: a pool, or a client inside a transaction. */
export interface PostgresQueryable {
  query<Row extends object>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

/** The ledger's table names in `schema` (already quoted). */
export interface PostgresLedgerTables {
  scopes: string;
  spend: string;
  reservations: string;
}

/**
 * @example
 * ```ts
 * ledgerTables('"tokenwise"').spend; // '"tokenwise".tokenwise_ledger_spend'
 * ```
 */
export function ledgerTables(schema: string): PostgresLedgerTables {
  return {
    scopes: `${schema}.tokenwise_ledger_scopes`,
    spend: `${schema}.tokenwise_ledger_spend`,
    reservations: `${schema}.tokenwise_ledger_reservations`,
  };
}

/**
 * Appends `records` (skipping any whose request id is already logged) and adds the new rows'
 * costs to their scopes' totals, in one statement. Resolves to how many rows were new.
 *
 * @example
 * ```ts
 * const inserted = await insertSpendRows(pool, ledgerTables('"tokenwise"'), [record]);
 * ```
 */
export async function insertSpendRows(
  database: PostgresQueryable,
  tables: PostgresLedgerTables,
  records: readonly SpendRecord[],
): Promise<number> {
  if (records.length === 0) return 0;
  const column = <T>(pick: (record: SpendRecord) => T) => records.map(pick);
  const tokens = (name: keyof Usage) => column((record) => record.usage[name]);
  // Scopes are charged in sorted order, so concurrent batches lock their rows in one order.
  const { rows } = await database.query<{ inserted: string }>(
    `WITH inserted AS (
       INSERT INTO ${tables.spend} (time, scope, model, provider, input_tokens,
         cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost,
         request_id, cached, metadata)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[],
         $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[],
         $12::boolean[], $13::json[])
       ON CONFLICT (request_id) WHERE request_id IS NOT NULL DO NOTHING
       RETURNING scope, cost
     ), charged AS (
       INSERT INTO ${tables.scopes} AS totals (scope, spent)
       SELECT scope, sum(cost) FROM inserted GROUP BY scope ORDER BY scope
       ON CONFLICT (scope) DO UPDATE SET spent = totals.spent + excluded.spent
       RETURNING scope
     )
     SELECT count(*) AS inserted FROM inserted`,
    [
      column((record) => record.time),
      column((record) => record.scope),
      column((record) => record.model),
      column((record) => record.provider),
      tokens("inputTokens"),
      tokens("cachedInputTokens"),
      tokens("cacheWriteTokens"),
      tokens("outputTokens"),
      tokens("reasoningTokens"),
      column((record) => record.cost.toString()),
      column((record) => record.requestId ?? null),
      column((record) => record.cached ?? null),
      column((record) => (record.metadata === undefined ? null : JSON.stringify(record.metadata))),
    ],
  );
  return Number(rows[0]?.inserted ?? 0);
}
