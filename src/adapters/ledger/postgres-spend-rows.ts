/**
 * Writing spend records to PostgreSQL, shared by the PostgreSQL ledger and the batched spend
 * writer: one statement appends a whole batch and charges each scope only for the rows that
 * were new, so a batch retried after a lost acknowledgement charges nothing twice.
 */
import type { Usage } from "../../core/cost/index.js";
import type { PostgresQueryable } from "../stores/index.js";
import type { SpendRecord } from "./ledger.js";

/** The ledger's tables in one schema. */
export interface PostgresLedgerTables {
  scopes: string;
  spend: string;
  holds: string;
  settled: string;
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
    holds: `${schema}.tokenwise_ledger_holds`,
    settled: `${schema}.tokenwise_ledger_settled`,
  };
}

/**
 * Appends `records`, skipping any whose request id is already logged, and resolves to how
 * many rows were new. With `charge` (the default) the new rows' costs are added to the totals
 * of their scopes (every scope of `scopes`) in the same statement; a settle, which charges the
 * reservation's scopes itself, passes `charge: false`.
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
  options: { charge?: boolean } = {},
): Promise<number> {
  if (records.length === 0) return 0;
  const column = <T>(pick: (record: SpendRecord) => T) => records.map(pick);
  const tokens = (name: keyof Usage) => column((record) => record.usage[name]);
  // Scopes are charged in sorted order, so concurrent batches lock their rows in one order.
  const charge =
    options.charge === false
      ? ""
      : `, charged AS (
          INSERT INTO ${tables.scopes} AS totals (scope, spent)
          SELECT charged_scope, sum(cost)
          FROM inserted, unnest(coalesce(inserted.scopes, ARRAY[inserted.scope])) AS charged_scope
          GROUP BY charged_scope ORDER BY charged_scope
          ON CONFLICT (scope) DO UPDATE SET spent = totals.spent + excluded.spent
          RETURNING scope
        )`;
  const { rows } = await database.query<{ inserted: string }>(
    `WITH inserted AS (
       INSERT INTO ${tables.spend} (time, scope, scopes, model, provider, input_tokens,
         cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost,
         request_id, cached, metadata)
       SELECT time, scope,
         CASE WHEN scopes IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(scopes)) END,
         model, provider, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,
         reasoning_tokens, cost, request_id, cached, metadata
       FROM unnest($1::bigint[], $2::text[], $3::json[], $4::text[], $5::text[], $6::bigint[],
         $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::text[],
         $13::boolean[], $14::json[])
         AS row (time, scope, scopes, model, provider, input_tokens, cached_input_tokens,
           cache_write_tokens, output_tokens, reasoning_tokens, cost, request_id, cached, metadata)
       ON CONFLICT (request_id) WHERE request_id IS NOT NULL DO NOTHING
       RETURNING scope, scopes, cost
     )${charge}
     SELECT count(*) AS inserted FROM inserted`,
    [
      column((record) => record.time),
      column((record) => record.scope),
      column((record) => (record.scopes === undefined ? null : JSON.stringify(record.scopes))),
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

/**
 * What every scope spent by the spend rows in `schema` (each row counted once per scope it
 * charged), exact: to rebuild counters kept elsewhere (Redis) that were lost.
 *
 * @example
 * ```ts
 * const spent = await spentByScope(pool, "tokenwise"); // [{ scope: "team:a", spent: 3000000000000n }, ...]
 * ```
 */
export async function spentByScope(
  queryable: PostgresQueryable,
  schema: string,
): Promise<Array<{ scope: string; spent: bigint }>> {
  const { rows } = await queryable.query<{ scope: string; spent: string }>(
    `SELECT charged.scope, sum(spend.cost)::text AS spent
     FROM ${ledgerTables(schema).spend} AS spend,
       unnest(COALESCE(spend.scopes, ARRAY[spend.scope])) AS charged(scope)
     GROUP BY charged.scope ORDER BY charged.scope`,
  );
  return rows.map((row) => ({ scope: row.scope, spent: BigInt(row.spent) }));
}
