/**
 * The `--catalog FILE` option: extends the built-in catalog with the user's own models or
 * overrides, in tokenwise's format (`{ "models": [...] }`) or LiteLLM's
 * `model_prices_and_context_window.json` format (detected automatically).
 */
import { readFile } from "node:fs/promises";
import {
  type Catalog,
  defaultCatalog,
  parseCatalogFile,
  readLiteLLMPrices,
} from "../catalog/index.js";
import { TokenwiseError } from "../errors/index.js";
import { createUtf8TextDecoder } from "./utf8-text-decoder.js";

/** Reads and applies a user catalog file; `undefined` gives the built-in catalog. */
export async function loadCatalog(path: string | undefined): Promise<Catalog> {
  const file = path ?? process.env.TOKENWISE_CATALOG;
  if (file === undefined || file === "") return defaultCatalog;
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenwiseError(
      "invalid_input",
      `catalog file ${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const isTokenwiseFormat =
    typeof json === "object" && json !== null && !Array.isArray(json) && "models" in json;
  const entries = isTokenwiseFormat
    ? parseCatalogFile(json, { source: file })
    : readLiteLLMPrices(json, { source: file }).models;
  return defaultCatalog.extend(entries);
}
