/**
 * The JSON shape of keys and teams, shared by the admin API and `tokenwise keys --json`:
 * snake_case, money as exact decimal strings of dollars, times as ISO 8601, `null` for "none".
 * Never a secret: only the create and rotate answers add one, beside the key.
 */
import { invalidInput } from "../../../core/errors/index.js";
import { toDecimalString, usd } from "../../../core/money/index.js";
import { assertBudgetPeriod, canonicalTimeZone } from "./key-input.js";
import { describeKeyInput } from "./secret.js";
import type { BudgetSpec, KeyChanges, Team, VirtualKey } from "./types.js";

export interface BudgetJson {
  limit_usd: string;
  period: string;
  time_zone: string;
}

export interface KeyJson {
  id: string;
  name: string;
  team: string | null;
  models: string[] | null;
  budget: BudgetJson | null;
  rpm: number | null;
  tpm: number | null;
  secret_hint: string;
  created_at: string;
  revoked_at: string | null;
}

export interface TeamJson {
  name: string;
  budget: BudgetJson | null;
}

/**
 * @example
 * ```ts
 * keyToJson(key).budget; // { limit_usd: "50.00", period: "month", time_zone: "UTC" }
 * ```
 */
export function keyToJson(key: VirtualKey): KeyJson {
  return {
    id: key.id,
    name: key.name,
    team: key.team ?? null,
    models: key.models ?? null,
    budget: budgetToJson(key.budget),
    rpm: key.rpm ?? null,
    tpm: key.tpm ?? null,
    secret_hint: key.secretHint,
    created_at: new Date(key.createdAt).toISOString(),
    revoked_at: key.revokedAt === undefined ? null : new Date(key.revokedAt).toISOString(),
  };
}

/**
 * @example
 * ```ts
 * teamToJson({ name: "data" }); // { name: "data", budget: null }
 * ```
 */
export function teamToJson(team: Team): TeamJson {
  return { name: team.name, budget: budgetToJson(team.budget) };
}

function budgetToJson(budget: BudgetSpec | undefined): BudgetJson | null {
  if (budget === undefined) return null;
  return {
    limit_usd: toDecimalString(budget.limit),
    period: budget.period,
    time_zone: budget.timeZone,
  };
}

/**
 * A checked budget from JSON: `{ limit_usd: "50" | 50, period, time_zone? (default "UTC") }`;
 * errors name the JSON fields ("budget.time_zone").
 *
 * @example
 * ```ts
 * budgetFromJson({ limit_usd: "50", period: "month" }); // { limit: usd("50"), period: "month", timeZone: "UTC" }
 * ```
 */
export function budgetFromJson(value: unknown, field = "budget"): BudgetSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidInput(
      field,
      `must be an object such as { "limit_usd": "50", "period": "month", "time_zone": "UTC" }, got ${describeKeyInput(value)}`,
    );
  }
  const { limit_usd: limit, period, time_zone: timeZone } = value as Record<string, unknown>;
  if (typeof limit !== "string" && typeof limit !== "number") {
    throw invalidInput(
      `${field}.limit_usd`,
      `must be an amount of dollars such as "50" or "0.50", got ${describeKeyInput(limit)}`,
    );
  }
  const amount = usd(limit, `${field}.limit_usd`);
  if (amount < 0n) throw invalidInput(`${field}.limit_usd`, "must be 0 or more");
  assertBudgetPeriod(period, `${field}.period`);
  return {
    limit: amount,
    period,
    timeZone: canonicalTimeZone(timeZone ?? "UTC", `${field}.time_zone`),
  };
}

/**
 * Key changes from JSON (the body of create and update): each field as in {@link KeyJson},
 * `null` to remove a limit.
 *
 * @example
 * ```ts
 * keyChangesFromJson({ rpm: 600, budget: null }); // { rpm: 600, budget: null }
 * ```
 */
export function keyChangesFromJson(body: Record<string, unknown>): KeyChanges {
  const changes: Record<string, unknown> = {};
  for (const field of ["team", "models", "rpm", "tpm"] as const) {
    if (body[field] !== undefined) changes[field] = body[field];
  }
  if (body.budget !== undefined) {
    changes.budget = body.budget === null ? null : budgetFromJson(body.budget);
  }
  return changes as KeyChanges;
}
