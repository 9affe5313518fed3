/**
 * Validation shared by every ledger engine, so bad input fails the same way everywhere and
 * before anything is written.
 */
import { assertValidUsage } from "../cost/usage.js";
import { invalidInput } from "../errors/index.js";
import type { Picodollars } from "../money/index.js";
import { assertTtlMs } from "../stores/store-input.js";
import type {
  JsonValue,
  LedgerOptions,
  ReserveOptions,
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

/**
 * @example
 * ```ts
 * assertReserveOptions({ scope: "a", amount: usd("0.01"), ttlMs: 60_000, limit: usd("1") });
 * ```
 */
export function assertReserveOptions(options: unknown): asserts options is ReserveOptions {
  if (typeof options !== "object" || options === null) {
    throw invalidInput("options", "must be { scope, amount, ttlMs, limit }");
  }
  const { scope, amount, ttlMs, limit } = options as Partial<ReserveOptions>;
  assertScope(scope);
  assertMoney(amount, "amount");
  if (ttlMs === undefined) {
    throw invalidInput("ttlMs", "is required: how long the reservation may hold budget, in ms");
  }
  assertTtlMs(ttlMs);
  assertMoney(limit, "limit", MAX_LIMIT);
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
}): Omit<SpendRecord, "scope" | "cost"> | undefined {
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
  return { ...normalizeSettleRecord(record, now, field), scope: record.scope, cost: record.cost };
}

/**
 * Validates the record passed to `settle` and fills in its time.
 *
 * @example
 * ```ts
 * normalizeSettleRecord({ model: "gpt-4o", provider: "openai", usage }, Date.now());
 * ```
 */
function normalizeSettleRecord(
  input: unknown,
  now: number,
  field = "record",
): Omit<SpendRecord, "scope" | "cost"> {
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
  const normalized: Omit<SpendRecord, "scope" | "cost"> = {
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
