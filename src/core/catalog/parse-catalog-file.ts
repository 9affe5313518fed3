/**
 * Reads a user's catalog file in tokenwise's own format:
 *
 * ```json
 * {
 *   "source": "our negotiated prices, 2026 contract",
 *   "checked": "2026-07-01",
 *   "models": [
 *     { "id": "gpt-4o", "prices": { "input": "2.00" } },
 *     { "id": "acme-large", "provider": "acme", "mode": "chat", "tokenizer": "o200k_base",
 *       "contextWindow": 32000, "maxOutputTokens": 4096,
 *       "prices": { "input": "1.00", "output": "3.00" } }
 *   ]
 * }
 * ```
 *
 * An entry for a model the catalog has may give any subset of fields (an override); an entry
 * for a new model needs the fields of a model. Top-level `source` and `checked` apply to
 * entries that do not give their own.
 */
import type { TokenwiseError } from "../errors/index.js";
import { normalizeModelName } from "./model-name.js";
import type { CatalogEntry } from "./model-override.js";
import {
  type CatalogIssue,
  catalogIssuesError,
  describe,
  isIsoDate,
  isoDateProblem,
  validateModelEntry,
} from "./validate-model-entry.js";

export interface ParseCatalogFileOptions {
  /** Where the file came from (a path or URL): named in errors, and the `source` of entries that give none. */
  source?: string;
}

const TOP_LEVEL_FIELDS = ["models", "source", "checked", "$schema"];

/**
 * Validates a parsed catalog file and returns its entries (complete models and partial
 * overrides). Every problem is reported at once, each with its path; the error's
 * `details.issues` holds them as data.
 *
 * @example
 * ```ts
 * const entries = parseCatalogFile(JSON.parse(text), { source: "prices.json" });
 * const catalog = defaultCatalog.extend(entries);
 * ```
 */
export function parseCatalogFile(
  json: unknown,
  options: ParseCatalogFileOptions = {},
): CatalogEntry[] {
  const issues: CatalogIssue[] = [];
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidFile(options.source, [
      {
        path: "(file)",
        message: `must be a JSON object such as { "models": [ ... ] }, got ${describe(json)}`,
      },
    ]);
  }
  const file = json as Record<string, unknown>;
  for (const field of Object.keys(file)) {
    if (!TOP_LEVEL_FIELDS.includes(field)) {
      issues.push({
        path: field,
        message: `is not a known top-level field (known: ${TOP_LEVEL_FIELDS.join(", ")})`,
      });
    }
  }
  const defaults = validateDefaults(file, options, issues);
  if (!Array.isArray(file.models)) {
    issues.push({
      path: "models",
      message: `must be a list of model entries, got ${describe(file.models)}`,
    });
    throw invalidFile(options.source, issues);
  }

  const entries: CatalogEntry[] = [];
  const firstUse = new Map<string, string>();
  file.models.forEach((value, index) => {
    const path = `models[${index}]`;
    const withDefaults = isRecord(value) ? { ...defaults, ...value } : value;
    const entry = validateModelEntry(withDefaults, path, issues);
    if (entry === undefined) return;
    for (const [field, name] of namesOf(entry)) {
      const key = normalizeModelName(name);
      const earlier = firstUse.get(key);
      if (earlier !== undefined) {
        issues.push({
          path: `${path}.${field}`,
          message: `"${name}" is already used by ${earlier}; give each model its own names`,
        });
      } else {
        firstUse.set(key, `${path}.${field}`);
      }
    }
    entries.push(entry);
  });
  if (issues.length > 0) throw invalidFile(options.source, issues);
  return entries;
}

function validateDefaults(
  file: Record<string, unknown>,
  options: ParseCatalogFileOptions,
  issues: CatalogIssue[],
): { source?: string; checked?: string } {
  const defaults: { source?: string; checked?: string } = {};
  const source = file.source ?? options.source;
  if (source !== undefined) {
    if (typeof source === "string" && source.trim() !== "") defaults.source = source;
    else
      issues.push({
        path: "source",
        message: `must be a non-empty string, got ${describe(source)}`,
      });
  }
  if (file.checked !== undefined) {
    if (isIsoDate(file.checked)) defaults.checked = file.checked;
    else issues.push({ path: "checked", message: isoDateProblem(file.checked) });
  }
  return defaults;
}

function namesOf(entry: CatalogEntry): Array<[string, string]> {
  return [
    ["id", entry.id],
    ...(entry.aliases ?? []).map((alias, index): [string, string] => [`aliases[${index}]`, alias]),
  ];
}

function invalidFile(source: string | undefined, issues: CatalogIssue[]): TokenwiseError {
  const title = source === undefined ? "Invalid catalog file" : `Invalid catalog file ${source}`;
  return catalogIssuesError(title, issues, { source });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
