/**
 * The `--catalog FILE` option: extends the built-in catalog with the user's own models or
 * overrides, in tokenwise's format (`{ "models": [...] }`) or LiteLLM's
 * `model_prices_and_context_window.json` format (detected automatically). A LiteLLM file is
 * merged with `mergeLiteLLMPrices`, so it cannot undo tokenwise's corrections, and what it
 * rejected or kept is reported on stderr.
 */
import { readFile, stat } from "node:fs/promises";
import {
  CATALOG_CHECKED,
  type Catalog,
  defaultCatalog,
  type LiteLLMMerge,
  mergeLiteLLMPrices,
  parseCatalogFile,
} from "../../core/catalog/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { Output } from "./output.js";
import { createUtf8TextDecoder } from "./utf8-text-decoder.js";

/** How old the built-in catalog may get before `tokenwise cost` warns. */
export const CATALOG_STALE_AFTER_DAYS = 90;

export interface LoadCatalogOptions {
  /** The date a LiteLLM file was downloaded (`--checked`), for files without `last_updated`. */
  checked?: string;
  /** Where notes about the file go (its date, rejected entries, kept corrections). */
  output?: Pick<Output, "error">;
}

/** Reads and applies a user catalog file; `undefined` gives the built-in catalog. */
export async function loadCatalog(
  path: string | undefined,
  options: LoadCatalogOptions = {},
): Promise<Catalog> {
  const file = path ?? process.env.TOKENWISE_CATALOG;
  if (file === undefined || file === "") return defaultCatalog;
  const json = await readJsonFile(file);
  if (isTokenwiseFormat(json))
    return defaultCatalog.extend(parseCatalogFile(json, { source: file }));
  const merge = await mergeLiteLLMFile(file, json, options);
  reportMerge(file, merge, options.output);
  return defaultCatalog.extend(merge.entries);
}

/**
 * Merges a LiteLLM file over the built-in catalog. Its date is `--checked`, else its
 * `last_updated` key, else (the genuine upstream file has none) the file's modification date,
 * with a note saying so.
 */
export async function mergeLiteLLMFile(
  file: string,
  json: unknown,
  options: LoadCatalogOptions = {},
): Promise<LiteLLMMerge> {
  const hasDate = typeof (json as { last_updated?: unknown }).last_updated === "string";
  let checked = options.checked;
  if (checked === undefined && !hasDate) {
    checked = (await stat(file)).mtime.toISOString().slice(0, 10);
    options.output?.error(
      `tokenwise: ${file} has no last_updated date; taking its file date ${checked} as the date its prices were checked (pass --checked DATE to set it).`,
    );
  }
  return mergeLiteLLMPrices(json, {
    source: file,
    ...(checked !== undefined ? { checked } : {}),
  });
}

/** Reads a JSON file with errors that name it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TokenwiseError(
      code === "ENOENT" ? "not_found" : "invalid_input",
      code === "ENOENT"
        ? `catalog file not found: ${file} (check --catalog or TOKENWISE_CATALOG)`
        : code === "EISDIR"
          ? `catalog file ${file} is a directory: pass a JSON file to --catalog`
          : `cannot read catalog file ${file}: ${code ?? String(error)}`,
    );
  }
  const decoder = createUtf8TextDecoder({ source: `catalog file ${file}` });
  const text = decoder.decode(bytes) + decoder.end();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenwiseError(
      "invalid_input",
      `catalog file ${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

export function isTokenwiseFormat(json: unknown): boolean {
  return typeof json === "object" && json !== null && !Array.isArray(json) && "models" in json;
}

function reportMerge(file: string, merge: LiteLLMMerge, output: Pick<Output, "error"> | undefined) {
  if (output === undefined) return;
  if (merge.rejected.length > 0) {
    output.error(
      `tokenwise: ${file}: ${merge.rejected.length} entr${merge.rejected.length === 1 ? "y" : "ies"} failed validation and were not imported:`,
    );
    for (const entry of merge.rejected) output.error(`  ${entry.key}: ${entry.detail}`);
  }
  const kept = merge.changes.filter((change) => change.outcome === "kept-correction");
  if (kept.length > 0) {
    output.error(
      `tokenwise: kept ${kept.length} of tokenwise's corrections the file would undo (tokenwise catalog diff ${file} shows them).`,
    );
  }
}

/**
 * Days between the built-in catalog's check date and `now`.
 *
 * @example
 * ```ts
 * catalogAgeDays(new Date("2026-12-03")); // 132 for a catalog checked 2026-07-24
 * ```
 */
export function catalogAgeDays(now: Date = new Date(), checked: string = CATALOG_CHECKED): number {
  const day = 24 * 60 * 60 * 1000;
  return Math.floor((now.getTime() - Date.parse(`${checked}T00:00:00Z`)) / day);
}

/** The warning `tokenwise cost` prints when the built-in prices are older than 90 days, if they are. */
export function staleCatalogWarning(now: Date = new Date()): string | undefined {
  const age = catalogAgeDays(now);
  if (age <= CATALOG_STALE_AFTER_DAYS) return undefined;
  return (
    `tokenwise: the built-in prices were checked ${CATALOG_CHECKED} (${age} days ago) and may be out of date. ` +
    "Extend them with a newer LiteLLM price file: --catalog model_prices_and_context_window.json " +
    "(tokenwise catalog diff FILE shows what it would change), or your own prices in tokenwise's format."
  );
}

/** Parses `--checked DATE`. */
export function checkedDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalidInput("--checked", `must be an ISO date such as 2026-11-30, got "${value}"`);
  }
  return value;
}
