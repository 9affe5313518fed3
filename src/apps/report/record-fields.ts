/**
 * The spend-record metadata fields reports read. The client writes `reference` and, on a cache
 * hit (an embedding call's cached inputs too), `savedCost`; the gateway writes the caller's identity and request facts. Every field is
 * optional: a record without one simply does not appear in that grouping.
 *
 * | field          | type                | written by | meaning                                      |
 * | -------------- | ------------------- | ---------- | -------------------------------------------- |
 * | `savedCost`    | decimal dollars     | client     | what the cache-answered part would have cost |
 * | `keyId`        | string              | gateway    | virtual key id ("key_...")                   |
 * | `keyName`      | string              | gateway    | virtual key's human name                     |
 * | `team`         | string              | gateway    | the key's team                               |
 * | `tags`         | string[] or string  | gateway    | caller-supplied tags                         |
 * | `latencyMs`    | number              | gateway    | time to the full reply                       |
 * | `cacheStatus`  | string              | gateway    | "hit", "miss", "bypass"...                   |
 * | `outcome`      | string              | gateway    | "ok", "error", "partial"...                  |
 * | `prompt`       | string              | gateway    | prompt text, only when prompt logging is on  |
 */
import type { SpendRecord } from "../../adapters/ledger/index.js";
import { type Picodollars, usd } from "../../core/money/index.js";

/** The metadata field names reports read, for writers to match. */
export const REPORT_METADATA_FIELDS = [
  "savedCost",
  "keyId",
  "keyName",
  "team",
  "tags",
  "latencyMs",
  "cacheStatus",
  "outcome",
  "prompt",
] as const;

/**
 * A string metadata field, or undefined when absent or not a non-empty string.
 *
 * @example
 * ```ts
 * metadataString(record, "team"); // "data"
 * ```
 */
export function metadataString(record: SpendRecord, field: string): string | undefined {
  const value = record.metadata?.[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * A finite numeric metadata field, or undefined.
 *
 * @example
 * ```ts
 * metadataNumber(record, "latencyMs"); // 412
 * ```
 */
export function metadataNumber(record: SpendRecord, field: string): number | undefined {
  const value = record.metadata?.[field];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * The key a record was spent through: `keyName` when present, else `keyId`.
 *
 * @example
 * ```ts
 * keyOf({ ...record, metadata: { keyId: "key_1", keyName: "web" } }); // "web"
 * ```
 */
export function keyOf(record: SpendRecord): string | undefined {
  return metadataString(record, "keyName") ?? metadataString(record, "keyId");
}

/**
 * The record's tags: `metadata.tags` as a list of strings (a single string counts as one tag).
 *
 * @example
 * ```ts
 * tagsOf({ ...record, metadata: { tags: ["beta", "search"] } }); // ["beta", "search"]
 * ```
 */
export function tagsOf(record: SpendRecord): string[] {
  const value = record.metadata?.tags;
  if (typeof value === "string") return value === "" ? [] : [value];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((tag): tag is string => typeof tag === "string" && tag !== ""))];
}

/**
 * What a cache hit saved (`metadata.savedCost`, exact decimal dollars), or 0 when the record
 * has none or it does not parse.
 *
 * @example
 * ```ts
 * savedCostOf({ ...record, cached: true, metadata: { savedCost: "0.0012" } }); // 1_200_000_000n
 * ```
 */
export function savedCostOf(record: SpendRecord): Picodollars {
  const value = record.metadata?.savedCost;
  if (typeof value !== "string" && typeof value !== "number") return 0n;
  try {
    const amount = usd(value, "metadata.savedCost");
    return amount > 0n ? amount : 0n;
  } catch {
    return 0n;
  }
}

/**
 * Every scope a record was charged to: its `scopes` when it names several (a key and its
 * team), else its `scope`.
 *
 * @example
 * ```ts
 * chargedScopes({ ...record, scope: "key:1", scopes: ["key:1", "team:data"] }); // ["key:1", "team:data"]
 * ```
 */
export function chargedScopes(record: SpendRecord): string[] {
  return record.scopes !== undefined && record.scopes.length > 0 ? record.scopes : [record.scope];
}
