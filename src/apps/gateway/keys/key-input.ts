/**
 * Validation of what callers give the key registry, shared by every engine, the admin API and
 * the CLI, so bad input fails the same way everywhere, before anything is written, with a
 * message that names the field and the fix.
 */
// Internal: closestNames stays out of the public index of core/catalog.
import { closestNames } from "../../../core/catalog/edit-distance.js";
import { invalidInput, TokenwiseError } from "../../../core/errors/index.js";
import { describeKeyInput, looksLikeSecret } from "./secret.js";
import type { BudgetPeriod, BudgetSpec, CreateKeyInput, KeyChanges, Team } from "./types.js";

export const BUDGET_PERIODS: readonly BudgetPeriod[] = ["day", "week", "month", "none"];

/** Key ids look like this; names may not, so a name can never be mistaken for an id. */
export const KEY_ID_PREFIX = "key_";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_RULE =
  "must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit";

/**
 * Throws `invalid_input` unless `name` can name a key.
 *
 * @example
 * ```ts
 * assertKeyName("ci-bot"); // ok
 * ```
 */
export function assertKeyName(name: unknown, field = "name"): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw invalidInput(field, `${NAME_RULE} (such as "ci-bot"), got ${describeKeyInput(name)}`);
  }
  if (looksLikeSecret(name)) {
    throw invalidInput(field, "looks like a key secret; never use a secret as a name");
  }
  if (name.startsWith(KEY_ID_PREFIX)) {
    throw invalidInput(field, `must not start with "${KEY_ID_PREFIX}", which marks key ids`);
  }
}

/**
 * Throws `invalid_input` unless `name` can name a team (it becomes part of ledger scopes).
 *
 * @example
 * ```ts
 * assertTeamName("data"); // ok
 * ```
 */
export function assertTeamName(name: unknown, field = "team"): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name) || looksLikeSecret(name)) {
    throw invalidInput(field, `${NAME_RULE} (such as "data"), got ${describeKeyInput(name)}`);
  }
}

/**
 * The canonical name of an IANA time zone ("utc" → "UTC"), or `invalid_input` naming the
 * closest real zones, so a typo fails when a budget is set, not when a request arrives.
 *
 * @example
 * ```ts
 * canonicalTimeZone("europe/berlin"); // "Europe/Berlin"
 * canonicalTimeZone("Europe/Berln"); // throws: ... Did you mean Europe/Berlin ...
 * ```
 */
export function canonicalTimeZone(timeZone: unknown, field = "budget.timeZone"): string {
  if (typeof timeZone === "string" && timeZone.trim() !== "") {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: timeZone.trim() }).resolvedOptions()
        .timeZone;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
  }
  const known = ["UTC", ...Intl.supportedValuesOf("timeZone")];
  const suggestions =
    typeof timeZone === "string" ? closestNames(timeZone.trim(), known, { limit: 3 }) : [];
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(", ")}?` : "";
  throw new TokenwiseError(
    "invalid_input",
    `${field} must be an IANA time zone such as "UTC", "Europe/Berlin" or "America/New_York", got ${describeKeyInput(timeZone)}${hint}`,
    { details: { field, suggestions } },
  );
}

/**
 * A checked budget with its time zone in canonical form.
 *
 * @example
 * ```ts
 * normalizeBudget({ limit: usd("50"), period: "month", timeZone: "utc" }); // timeZone "UTC"
 * ```
 */
export function normalizeBudget(budget: unknown, field = "budget"): BudgetSpec {
  if (typeof budget !== "object" || budget === null) {
    throw invalidInput(
      field,
      `must be { limit, period, timeZone }, such as { limit: usd("50"), period: "month", timeZone: "UTC" }, got ${describeKeyInput(budget)}`,
    );
  }
  const { limit, period, timeZone } = budget as Partial<BudgetSpec>;
  if (typeof limit !== "bigint" || limit < 0n) {
    throw invalidInput(
      `${field}.limit`,
      `must be a bigint of picodollars of 0 or more, such as usd("50"), got ${describeKeyInput(limit)}`,
    );
  }
  assertBudgetPeriod(period, `${field}.period`);
  return { limit, period, timeZone: canonicalTimeZone(timeZone, `${field}.timeZone`) };
}

/**
 * Throws `invalid_input` unless `period` is a budget period.
 *
 * @example
 * ```ts
 * assertBudgetPeriod("month", "budget.period"); // ok
 * ```
 */
export function assertBudgetPeriod(period: unknown, field: string): asserts period is BudgetPeriod {
  if (typeof period !== "string" || !BUDGET_PERIODS.includes(period as BudgetPeriod)) {
    throw invalidInput(
      field,
      `must be one of ${BUDGET_PERIODS.join(", ")} ("none": never resets), got ${describeKeyInput(period)}`,
    );
  }
}

/**
 * Throws `invalid_input` unless `value` is a per-minute limit: a positive whole number.
 *
 * @example
 * ```ts
 * assertPerMinuteLimit(600, "rpm"); // ok
 * ```
 */
export function assertPerMinuteLimit(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidInput(
      field,
      `must be a whole number greater than 0 (per minute), got ${describeKeyInput(value)}; leave it out for no limit`,
    );
  }
}

/**
 * The model list of a key, trimmed and without repeats.
 *
 * @example
 * ```ts
 * normalizeModels(["gpt-4o-mini", " claude-haiku-4-5 "]); // ["gpt-4o-mini", "claude-haiku-4-5"]
 * ```
 */
export function normalizeModels(models: unknown, field = "models"): string[] {
  if (!Array.isArray(models) || models.length === 0) {
    throw invalidInput(
      field,
      `must be a non-empty list of model names such as ["gpt-4o-mini"], got ${describeKeyInput(models)}; leave it out to allow every model`,
    );
  }
  const names = models.map((model: unknown, index) => {
    if (typeof model !== "string" || model.trim() === "") {
      throw invalidInput(
        `${field}[${index}]`,
        `must be a model name such as "gpt-4o-mini", got ${describeKeyInput(model)}`,
      );
    }
    return model.trim();
  });
  return [...new Set(names)];
}

/**
 * A checked, canonical copy of the input to `KeyRegistry.create`.
 *
 * @example
 * ```ts
 * normalizeCreateKeyInput({ name: "ci-bot", rpm: 600 });
 * ```
 */
export function normalizeCreateKeyInput(input: unknown): CreateKeyInput {
  if (typeof input !== "object" || input === null) {
    throw invalidInput("input", `must be { name, team?, models?, budget?, rpm?, tpm? }`);
  }
  const { name } = input as Partial<CreateKeyInput>;
  assertKeyName(name);
  const changes = normalizeKeyChanges(input, { allowClear: false });
  const normalized: CreateKeyInput = { name };
  if (typeof changes.team === "string") normalized.team = changes.team;
  if (changes.models) normalized.models = changes.models;
  if (changes.budget) normalized.budget = changes.budget;
  if (typeof changes.rpm === "number") normalized.rpm = changes.rpm;
  if (typeof changes.tpm === "number") normalized.tpm = changes.tpm;
  return normalized;
}

/**
 * A checked copy of the changes to `KeyRegistry.update`: `null` removes a limit (or the team),
 * `undefined` leaves it as it is.
 *
 * @example
 * ```ts
 * normalizeKeyChanges({ rpm: 1200, budget: null });
 * ```
 */
export function normalizeKeyChanges(
  changes: unknown,
  options: { allowClear: boolean } = { allowClear: true },
): KeyChanges {
  if (typeof changes !== "object" || changes === null) {
    throw invalidInput("changes", "must be an object such as { rpm: 600 }");
  }
  const given = changes as Record<string, unknown>;
  const normalized: KeyChanges = {};
  const cleared = (field: string): boolean => {
    if (given[field] !== null) return false;
    if (!options.allowClear) {
      throw invalidInput(field, "must not be null; leave it out instead");
    }
    return true;
  };
  if (given.team !== undefined) {
    if (cleared("team")) normalized.team = null;
    else {
      assertTeamName(given.team);
      normalized.team = given.team;
    }
  }
  if (given.models !== undefined) {
    normalized.models = cleared("models") ? null : normalizeModels(given.models);
  }
  if (given.budget !== undefined) {
    normalized.budget = cleared("budget") ? null : normalizeBudget(given.budget);
  }
  for (const field of ["rpm", "tpm"] as const) {
    const value = given[field];
    if (value === undefined) continue;
    if (cleared(field)) normalized[field] = null;
    else {
      assertPerMinuteLimit(value, field);
      normalized[field] = value;
    }
  }
  return normalized;
}

/**
 * A checked, canonical copy of a team for `KeyRegistry.setTeam`.
 *
 * @example
 * ```ts
 * normalizeTeam({ name: "data", budget: { limit: usd("500"), period: "month", timeZone: "UTC" } });
 * ```
 */
export function normalizeTeam(team: unknown): Team {
  if (typeof team !== "object" || team === null) {
    throw invalidInput("team", "must be { name, budget? }");
  }
  const { name, budget } = team as Partial<Team>;
  assertTeamName(name, "name");
  return budget === undefined ? { name } : { name, budget: normalizeBudget(budget) };
}
