/**
 * Field-by-field validation of a catalog entry. Problems are plain data (a path and a
 * message each), collected rather than thrown one at a time, so a user fixing a file sees
 * every mistake at once.
 */
import { TokenwiseError } from "../errors/index.js";
import { isDecimalPrice } from "./decimal-price.js";
import { closestNames, editDistance } from "./edit-distance.js";
import { CAPABILITY_NAMES, type CatalogEntry } from "./model-override.js";
import type { ModelInfo, ModelPrices, PriceTier, SpeedClass, TokenizerName } from "./types.js";

/** One problem in a catalog file: where it is (`models[3].prices.input`) and what is wrong. */
export interface CatalogIssue {
  path: string;
  message: string;
}

const TOKENIZERS: readonly TokenizerName[] = [
  "o200k_base",
  "cl100k_base",
  "p50k_base",
  "r50k_base",
  "claude",
  "gemini",
];
const SPEEDS: readonly SpeedClass[] = ["very-fast", "fast", "medium", "slow", "very-slow"];
const MODES: readonly ModelInfo["mode"][] = ["chat", "embedding"];
const PRICE_FIELDS: readonly (keyof ModelPrices)[] = [
  "input",
  "output",
  "cachedInput",
  "cacheWrite",
  "cacheWrite1h",
  "reasoning",
  "batchInput",
  "batchOutput",
  "audioInput",
  "audioOutput",
  "imageOutput",
];
const TIER_PRICE_FIELDS: readonly (keyof PriceTier)[] = [
  "input",
  "output",
  "cachedInput",
  "cacheWrite",
  "cacheWrite1h",
];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

type Check = (value: unknown, path: string, issues: CatalogIssue[]) => void;

const MODEL_FIELDS: Readonly<Record<keyof ModelInfo, Check>> = {
  id: text('a model id such as "gpt-4o"'),
  provider: text('a provider name such as "openai"'),
  displayName: text('a display name such as "GPT-4o"'),
  mode: oneOf(MODES),
  tokenizer: oneOf(TOKENIZERS),
  contextWindow: wholeNumber({ minimum: 1, what: "a positive whole number of tokens" }),
  maxOutputTokens: wholeNumber({ minimum: 0, what: "a whole number of tokens (0 or more)" }),
  maxInputTokens: wholeNumber({ minimum: 1, what: "a positive whole number of tokens" }),
  prices: checkPrices,
  tiers: checkTiers,
  priceHistory: checkPriceHistory,
  capabilities: checkCapabilities,
  aliases: checkAliases,
  speed: oneOf(SPEEDS),
  costClass: wholeNumber({ minimum: 1, maximum: 5, what: "a whole number from 1 to 5" }),
  imageTokens: checkImageTokens,
  embeddingDimensions: wholeNumber({ minimum: 1, what: "a positive whole number" }),
  deprecationDate: isoDate,
  source: text("a description of where the facts come from, such as a pricing page URL"),
  checked: isoDate,
  notes: text("a note"),
};
const MODEL_FIELD_NAMES = Object.keys(MODEL_FIELDS);

/**
 * Checks one catalog entry (complete model or partial override) and appends its problems to
 * `issues`. Returns the entry when it has none.
 *
 * @example
 * ```ts
 * const issues: CatalogIssue[] = [];
 * validateModelEntry({ id: "gpt-4o", prices: { input: 2.5 } }, "models[0]", issues);
 * issues[0]; // { path: "models[0].prices.input", message: 'must be a decimal string such as "2.50", got 2.5 (a number)' }
 * ```
 */
export function validateModelEntry(
  value: unknown,
  path: string,
  issues: CatalogIssue[],
): CatalogEntry | undefined {
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be an object with the model's fields, got ${describe(value)}`,
    });
    return undefined;
  }
  const before = issues.length;
  if (value.id === undefined) {
    issues.push({
      path: `${path}.id`,
      message: "is required: every entry names the model it is about",
    });
  }
  for (const [field, fieldValue] of Object.entries(value)) {
    const check = MODEL_FIELDS[field as keyof ModelInfo];
    if (check === undefined) {
      issues.push({ path: `${path}.${field}`, message: unknownField(field, MODEL_FIELD_NAMES) });
    } else if (fieldValue !== undefined) {
      check(fieldValue, `${path}.${field}`, issues);
    }
  }
  return issues.length === before ? (value as unknown as CatalogEntry) : undefined;
}

function checkPrices(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (isRecord(value) && value.from !== undefined) {
    const { from, ...prices } = value;
    isoDate(from, `${path}.from`, issues);
    checkPriceObject(prices, path, issues, PRICE_FIELDS);
    return;
  }
  checkPriceObject(value, path, issues, PRICE_FIELDS);
}

function checkPriceHistory(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (!Array.isArray(value)) {
    issues.push({
      path,
      message: `must be a list of earlier periods such as [{ "prices": { "input": "2", "output": "10" } }], got ${describe(value)}`,
    });
    return;
  }
  value.forEach((period, index) => {
    const periodPath = `${path}[${index}]`;
    if (!isRecord(period) || !isRecord(period.prices)) {
      issues.push({
        path: periodPath,
        message: `must be an object with prices (and optional tiers), got ${describe(period)}`,
      });
      return;
    }
    for (const field of Object.keys(period)) {
      if (field !== "prices" && field !== "tiers") {
        issues.push({
          path: `${periodPath}.${field}`,
          message: unknownField(field, ["prices", "tiers"]),
        });
      }
    }
    for (const required of ["input", "output"]) {
      if (period.prices[required] === undefined) {
        issues.push({
          path: `${periodPath}.prices.${required}`,
          message: 'is required: a decimal string such as "2.50"',
        });
      }
    }
    if (index > 0 && period.prices.from === undefined) {
      issues.push({
        path: `${periodPath}.prices.from`,
        message: "is required after the first period: the ISO date the prices took effect",
      });
    }
    checkPrices(period.prices, `${periodPath}.prices`, issues);
    if (period.tiers !== undefined) checkTiers(period.tiers, `${periodPath}.tiers`, issues);
  });
}

function checkPriceObject(
  value: unknown,
  path: string,
  issues: CatalogIssue[],
  fields: readonly string[],
): void {
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be an object of prices such as { "input": "2.50", "output": "10.00" }, got ${describe(value)}`,
    });
    return;
  }
  for (const [field, price] of Object.entries(value)) {
    if (!fields.includes(field)) {
      issues.push({ path: `${path}.${field}`, message: unknownField(field, fields) });
    } else if (price !== undefined && !isDecimalPrice(price)) {
      issues.push({ path: `${path}.${field}`, message: priceProblem(price) });
    }
  }
}

function checkTiers(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (!Array.isArray(value)) {
    issues.push({
      path,
      message: `must be a list of tiers such as [{ "aboveInputTokens": 200000, "input": "2.50", "output": "15" }], got ${describe(value)}`,
    });
    return;
  }
  value.forEach((tier, index) => {
    const tierPath = `${path}[${index}]`;
    if (!isRecord(tier)) {
      issues.push({
        path: tierPath,
        message: `must be an object with aboveInputTokens, input and output, got ${describe(tier)}`,
      });
      return;
    }
    const { aboveInputTokens, ...prices } = tier;
    if (aboveInputTokens === undefined) {
      issues.push({
        path: `${tierPath}.aboveInputTokens`,
        message: "is required: the input size past which the tier's prices apply",
      });
    } else {
      wholeNumber({ minimum: 1, what: "a positive whole number of tokens" })(
        aboveInputTokens,
        `${tierPath}.aboveInputTokens`,
        issues,
      );
    }
    for (const required of ["input", "output"]) {
      if (prices[required] === undefined) {
        issues.push({
          path: `${tierPath}.${required}`,
          message: 'is required: a decimal string such as "2.50"',
        });
      }
    }
    checkPriceObject(prices, tierPath, issues, TIER_PRICE_FIELDS);
  });
}

function checkCapabilities(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be an object of true/false flags such as { "vision": true }, got ${describe(value)}`,
    });
    return;
  }
  for (const [name, flag] of Object.entries(value)) {
    if (!(CAPABILITY_NAMES as readonly string[]).includes(name)) {
      issues.push({ path: `${path}.${name}`, message: unknownField(name, CAPABILITY_NAMES) });
    } else if (flag !== undefined && typeof flag !== "boolean") {
      issues.push({
        path: `${path}.${name}`,
        message: `must be true or false, got ${describe(flag)}`,
      });
    }
  }
}

function checkAliases(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (!Array.isArray(value)) {
    issues.push({
      path,
      message: `must be a list of names such as ["gpt-4o-2024-08-06"], got ${describe(value)}`,
    });
    return;
  }
  const checkName = text("a model name");
  value.forEach((alias, index) => {
    checkName(alias, `${path}[${index}]`, issues);
  });
}

function checkImageTokens(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be { "base": 85, "perTile": 170 }, got ${describe(value)}`,
    });
    return;
  }
  for (const field of ["base", "perTile"]) {
    if (value[field] === undefined) {
      issues.push({ path: `${path}.${field}`, message: "is required: a whole number of tokens" });
    } else {
      wholeNumber({ minimum: 0, what: "a whole number of tokens (0 or more)" })(
        value[field],
        `${path}.${field}`,
        issues,
      );
    }
  }
  for (const field of Object.keys(value)) {
    if (field !== "base" && field !== "perTile") {
      issues.push({ path: `${path}.${field}`, message: unknownField(field, ["base", "perTile"]) });
    }
  }
}

function isoDate(value: unknown, path: string, issues: CatalogIssue[]): void {
  if (!isIsoDate(value)) issues.push({ path, message: isoDateProblem(value) });
}

/**
 * True for a real calendar date written as YYYY-MM-DD.
 *
 * @example
 * ```ts
 * isIsoDate("2026-07-24"); // true
 * isIsoDate("2026-02-30"); // false
 * ```
 */
export function isIsoDate(value: unknown): value is string {
  const match = typeof value === "string" ? ISO_DATE.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The message for a value that should have been an ISO date. */
export function isoDateProblem(value: unknown): string {
  return `must be an ISO date such as "2026-07-24", got ${describe(value)}`;
}

function text(what: string): Check {
  return (value, path, issues) => {
    if (typeof value !== "string" || value.trim() === "") {
      issues.push({
        path,
        message: `must be ${what} (a non-empty string), got ${describe(value)}`,
      });
    }
  };
}

function oneOf(allowed: readonly string[]): Check {
  return (value, path, issues) => {
    if (typeof value !== "string" || !allowed.includes(value)) {
      issues.push({
        path,
        message: `must be one of ${allowed.map((item) => `"${item}"`).join(", ")}, got ${describe(value)}`,
      });
    }
  };
}

function wholeNumber(options: { minimum: number; maximum?: number; what: string }): Check {
  return (value, path, issues) => {
    const fits =
      typeof value === "number" &&
      Number.isSafeInteger(value) &&
      value >= options.minimum &&
      (options.maximum === undefined || value <= options.maximum);
    if (!fits) issues.push({ path, message: `must be ${options.what}, got ${describe(value)}` });
  };
}

function priceProblem(price: unknown): string {
  const hint =
    typeof price === "number" ? " (a number: write it as a string so it stays exact)" : "";
  return `must be a decimal string such as "2.50" (US dollars per million tokens), got ${describe(price)}${hint}`;
}

function unknownField(field: string, known: readonly string[]): string {
  const [closest] = closestNames(field, known, { limit: 1 });
  const near =
    closest !== undefined &&
    editDistance(field, closest) <= Math.max(2, Math.floor(field.length / 3));
  const suggestion = near ? `; did you mean "${closest}"?` : "";
  return `is not a known field${suggestion} (known fields: ${known.join(", ")})`;
}

/**
 * The `invalid_input` error listing every issue, one per line; `details.issues` holds them
 * as data.
 *
 * @example
 * ```ts
 * throw catalogIssuesError("Invalid catalog file prices.json", issues);
 * ```
 */
export function catalogIssuesError(
  title: string,
  issues: readonly CatalogIssue[],
  details: Record<string, unknown> = {},
): TokenwiseError {
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`);
  return new TokenwiseError("invalid_input", `${title} (${count}):\n${lines.join("\n")}`, {
    details: { field: "models", ...details, issues },
  });
}

/** A short, safe rendering of a value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === "object") return "an object";
  if (typeof value === "undefined") return "nothing";
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
