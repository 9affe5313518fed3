/**
 * Validation shared by every ledger engine, so bad input fails the same way everywhere and
 * before anything is written.
 */
import { assertValidUsage } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import type { Picodollars } from "../../core/money/index.js";
// Internal: assertTtlMs stays out of the public index of adapters/stores.
import { assertTtlMs } from "../stores/store-input.js";
import type {
  JsonValue,
  LedgerOptions,
  ScopeBudget,
  SettleRecord,
  SpendRecord,
  SpendRecordInput,
  SpendRecordsQuery,
  SpendTotalsQuery,
} from "./ledger.js";

/**
 * Largest single amount (reservation, actual cost, record cost): 2^63 - 1 picodollars, about
 * $9.2 million, so every engine can store it as a 64-bit integer.
 */
export const MAX_AMOUNT: Picodollars = 2n ** 63n - 1n;

/** Largest limit: $1 trillion, well inside what every engine compares exactly. */
export const MAX_LIMIT: Picodollars = 10n ** 24n;

/** A validated settle record: everything but what the reservation decides. */
export type SettleDetails = Omit<SpendRecord, "scope" | "scopes" | "cost">;

/**
 * The spend record a settle writes: the reservation's first scope, all of its scopes when
 * there are several, and the actual cost.
 *
 * @example
 * ```ts
 * settledRecord(details, ["key:1", "team:a"], usd("0.01")).scopes; // ["key:1", "team:a"]
 * ```
 */
export function settledRecord(
  details: SettleDetails,
  scopes: readonly string[],
  cost: Picodollars,
): SpendRecord {
  const record: SpendRecord = { ...details, scope: scopes[0] as string, cost };
  if (scopes.length > 1) record.scopes = [...scopes];
  return record;
}

/** Latest record time: the last millisecond of year 9999, so days format as YYYY-MM-DD. */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DEFAULT_LATE_SETTLE_WINDOW_MS = 86_400_000;

const GROUP_BY = ["model", "day", "scope"] as const;

/**
 * @example
 * ```ts
 * assertScope("team-a"); // ok
 * ```
 */
export function assertScope(scope: unknown, field = "scope"): asserts scope is string {
  if (typeof scope !== "string" || scope.length === 0) {
    throw invalidInput(field, `must be a non-empty string such as "team-a", got ${show(scope)}`);
  }
  if (/\p{Cs}/u.test(scope)) {
    throw invalidInput(field, "contains an unpaired UTF-16 surrogate; use well-formed text");
  }
}

/**
 * Throws `invalid_input` unless `amount` is a bigint of picodollars from 0 to `max`.
 *
 * @example
 * ```ts
 * assertMoney(usd("0.02"), "amount"); // ok
 * assertMoney(0.02, "amount"); // throws: amount must be a bigint of picodollars, e.g. usd("0.02")...
 * ```
 */
export function assertMoney(
  amount: unknown,
  field: string,
  max: Picodollars = MAX_AMOUNT,
): asserts amount is Picodollars {
  if (typeof amount !== "bigint") {
    throw invalidInput(
      field,
      `must be a bigint of picodollars, e.g. usd("0.02"), got ${show(amount)} (${typeof amount})`,
    );
  }
  if (amount < 0n || amount > max) {
    throw invalidInput(field, `must be from 0 to ${max} picodollars, got ${amount}`);
  }
}

/** Most budgets one reservation may hold (a key, its team, its org... with room to spare). */
export const MAX_BUDGETS = 16;

/** Reserve options in the one shape engines work with: every budget as a list. */
export interface NormalizedReserve {
  amount: Picodollars;
  ttlMs: number;
  budgets: ScopeBudget[];
}

/**
 * Validates reserve options and returns them with the one-budget form (`scope` + `limit`)
 * turned into a one-item `budgets` list.
 *
 * @example
 * ```ts
 * toReserveInput({ scope: "a", amount: usd("0.01"), ttlMs: 60_000, limit: usd("1") }).budgets;
 * // [{ scope: "a", limit: 1_000_000_000_000n }]
 * ```
 */
export function toReserveInput(options: unknown): NormalizedReserve {
  if (typeof options !== "object" || options === null) {
    throw invalidInput(
      "options",
      "must be { amount, ttlMs, scope, limit } or { amount, ttlMs, budgets }",
    );
  }
  const { scope, amount, ttlMs, limit, budgets } = options as {
    scope?: unknown;
    amount?: unknown;
    ttlMs?: unknown;
    limit?: unknown;
    budgets?: unknown;
  };
  let list: ScopeBudget[];
  if (budgets === undefined) {
    assertScope(scope);
    assertMoney(limit, "limit", MAX_LIMIT);
    list = [{ scope, limit }];
  } else {
    if (scope !== undefined || limit !== undefined) {
      throw invalidInput(
        "budgets",
        "cannot be combined with scope and limit; list every budget in budgets",
      );
    }
    list = toBudgetList(budgets);
  }
  assertMoney(amount, "amount");
  assertTtl(ttlMs);
  return { amount, ttlMs, budgets: list };
}

/**
 * Throws `invalid_input` unless `ttlMs` is a lease length in whole milliseconds above 0.
 *
 * @example
 * ```ts
 * assertTtl(60_000); // ok
 * ```
 */
export function assertTtl(ttlMs: unknown): asserts ttlMs is number {
  if (ttlMs === undefined) {
    throw invalidInput("ttlMs", "is required: how long the reservation may hold budget, in ms");
  }
  assertTtlMs(ttlMs);
}

function toBudgetList(budgets: unknown): ScopeBudget[] {
  if (!Array.isArray(budgets) || budgets.length === 0 || budgets.length > MAX_BUDGETS) {
    throw invalidInput(
      "budgets",
      `must be a list of 1 to ${MAX_BUDGETS} { scope, limit } such as [{ scope: "key:1", limit: usd("5") }]`,
    );
  }
  const seen = new Set<string>();
  return budgets.map((budget: unknown, index) => {
    if (typeof budget !== "object" || budget === null) {
      throw invalidInput(`budgets[${index}]`, "must be { scope, limit }");
    }
    const { scope, limit } = budget as { scope?: unknown; limit?: unknown };
    assertScope(scope, `budgets[${index}].scope`);
    assertMoney(limit, `budgets[${index}].limit`, MAX_LIMIT);
    if (seen.has(scope)) {
      throw invalidInput(`budgets[${index}].scope`, `repeats "${scope}"; list each scope once`);
    }
    seen.add(scope);
    return { scope, limit };
  });
}

/**
 * Validates the scope list of a spend record: distinct scopes, starting with its `scope`.
 *
 * @example
 * ```ts
 * assertRecordScopes(["key:1", "team:a"], "key:1", "record.scopes"); // ok
 * ```
 */
function assertRecordScopes(
  scopes: unknown,
  scope: string,
  field: string,
): asserts scopes is string[] {
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > MAX_BUDGETS) {
    throw invalidInput(field, `must be a list of 1 to ${MAX_BUDGETS} scopes`);
  }
  scopes.forEach((item: unknown, index) => {
    assertScope(item, `${field}[${index}]`);
  });
  if (scopes[0] !== scope) {
    throw invalidInput(field, `must start with the record's scope "${scope}"`);
  }
  if (new Set(scopes).size !== scopes.length) {
    throw invalidInput(field, "must list each scope once");
  }
}

/**
 * @example
 * ```ts
 * assertReservationId("8f14e45f-..."); // ok
 * ```
 */
export function assertReservationId(id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0 || id.length > 200) {
    throw invalidInput("id", `must be the id reserve() returned, got ${show(id)}`);
  }
}

/**
 * Validates the arguments of `settle` and returns its record, if any, validated with its time
 * filled in from `at`.
 *
 * @example
 * ```ts
 * toSettleDetails({ id, actual: usd("0.01"), record: { model: "gpt-4o", provider: "openai", usage }, at: Date.now() });
 * ```
 */
export function toSettleDetails(options: {
  id: string;
  actual: Picodollars;
  record: SettleRecord | undefined;
  at: number;
}): SettleDetails | undefined {
  assertReservationId(options.id);
  assertMoney(options.actual, "actual");
  return options.record === undefined
    ? undefined
    : normalizeSettleRecord(options.record, options.at);
}

/**
 * Validates the arguments of `remaining`.
 *
 * @example
 * ```ts
 * assertRemainingInput("team-a", usd("5")); // ok
 * ```
 */
export function assertRemainingInput(scope: string, limit: Picodollars): void {
  assertScope(scope);
  assertMoney(limit, "limit", MAX_LIMIT);
}

/**
 * The late-settle window from engine options, validated.
 *
 * @example
 * ```ts
 * lateSettleWindowOf({}); // 86_400_000
 * ```
 */
export function lateSettleWindowOf(options: LedgerOptions): number {
  const window = options.lateSettleWindowMs ?? DEFAULT_LATE_SETTLE_WINDOW_MS;
  if (!Number.isSafeInteger(window) || window < 0) {
    throw invalidInput("lateSettleWindowMs", `must be a non-negative integer, got ${show(window)}`);
  }
  return window;
}

/**
 * Validates a record to append and fills in its time; the result is a fresh object.
 *
 * @example
 * ```ts
 * toSpendRecord({ scope: "a", model: "gpt-4o", provider: "openai", usage, cost: 5n }, Date.now());
 * ```
 */
export function toSpendRecord(input: unknown, now: number, field = "record"): SpendRecord {
  if (typeof input !== "object" || input === null) {
    throw invalidInput(field, "must be { scope, model, provider, usage, cost, ... }");
  }
  const record = input as Partial<SpendRecordInput>;
  assertScope(record.scope, `${field}.scope`);
  assertMoney(record.cost, `${field}.cost`);
  const normalized: SpendRecord = {
    ...normalizeSettleRecord(record, now, field),
    scope: record.scope,
    cost: record.cost,
  };
  if (record.scopes !== undefined) {
    assertRecordScopes(record.scopes, record.scope, `${field}.scopes`);
    if (record.scopes.length > 1) normalized.scopes = [...record.scopes];
  }
  return normalized;
}

/**
 * Validates the record passed to `settle` and fills in its time.
 *
 * @example
 * ```ts
 * normalizeSettleRecord({ model: "gpt-4o", provider: "openai", usage }, Date.now());
 * ```
 */
function normalizeSettleRecord(input: unknown, now: number, field = "record"): SettleDetails {
  if (typeof input !== "object" || input === null) {
    throw invalidInput(field, "must be { model, provider, usage, ... }");
  }
  const record = input as Partial<SettleRecord>;
  const time = record.time ?? now;
  if (!Number.isSafeInteger(time) || time < 0 || time > MAX_TIME) {
    throw invalidInput(
      `${field}.time`,
      `must be epoch milliseconds (an integer), got ${show(time)}`,
    );
  }
  for (const name of ["model", "provider"] as const) {
    const value = record[name];
    if (typeof value !== "string" || value.length === 0) {
      throw invalidInput(`${field}.${name}`, `must be a non-empty string, got ${show(value)}`);
    }
  }
  if (record.usage === undefined) {
    throw invalidInput(`${field}.usage`, "is required; use emptyUsage() for a call with no tokens");
  }
  assertValidUsage(record.usage, `${field}.usage`);
  if (record.requestId !== undefined && typeof record.requestId !== "string") {
    throw invalidInput(`${field}.requestId`, `must be a string, got ${show(record.requestId)}`);
  }
  if (record.cached !== undefined && typeof record.cached !== "boolean") {
    throw invalidInput(`${field}.cached`, `must be a boolean, got ${show(record.cached)}`);
  }
  if (record.metadata !== undefined) {
    if (
      typeof record.metadata !== "object" ||
      record.metadata === null ||
      Array.isArray(record.metadata)
    ) {
      throw invalidInput(`${field}.metadata`, "must be a plain object of JSON values");
    }
    assertJsonValue(record.metadata, `${field}.metadata`);
  }
  const { usage } = record;
  const normalized: SettleDetails = {
    time,
    model: record.model as string,
    provider: record.provider as string,
    usage: {
      inputTokens: usage.inputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      outputTokens: usage.outputTokens,
      reasoningTokens: usage.reasoningTokens,
    },
  };
  if (record.requestId !== undefined) normalized.requestId = record.requestId;
  if (record.cached !== undefined) normalized.cached = record.cached;
  if (record.metadata !== undefined) normalized.metadata = structuredClone(record.metadata);
  return normalized;
}

/**
 * @example
 * ```ts
 * assertSpendQuery({ scope: "a", since: Date.UTC(2026, 0, 1) });
 * ```
 */
export function assertSpendQuery(query: unknown): asserts query is SpendRecordsQuery {
  if (typeof query !== "object" || query === null) {
    throw invalidInput("query", "must be an object such as { scope, since, until }");
  }
  const { scope, since, until, limit } = query as SpendRecordsQuery;
  if (scope !== undefined) assertScope(scope, "query.scope");
  for (const [name, value] of [
    ["since", since],
    ["until", until],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw invalidInput(
        `query.${name}`,
        `must be epoch milliseconds (an integer), got ${show(value)}`,
      );
    }
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw invalidInput("query.limit", `must be a positive integer, got ${show(limit)}`);
  }
}

/**
 * @example
 * ```ts
 * assertTotalsQuery({ groupBy: "model" });
 * ```
 */
export function assertTotalsQuery(query: unknown): asserts query is SpendTotalsQuery {
  assertSpendQuery(query);
  const { groupBy } = query as Partial<SpendTotalsQuery>;
  if (!GROUP_BY.includes(groupBy as (typeof GROUP_BY)[number])) {
    throw invalidInput("query.groupBy", `must be "model", "day" or "scope", got ${show(groupBy)}`);
  }
}

function assertJsonValue(value: unknown, path: string): asserts value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalidInput(path, `must be a finite number, got ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertJsonValue(item, `${path}[${index}]`);
    });
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) assertJsonValue(item, `${path}.${key}`);
    return;
  }
  throw invalidInput(
    path,
    `must be a JSON value (string, number, boolean, null, array, object), got ${show(value)}`,
  );
}

function show(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object" && value !== null)
    return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}
