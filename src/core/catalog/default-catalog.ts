/**
 * The catalog tokenwise ships: current and recent OpenAI, Anthropic and Google models, built
 * from LiteLLM's price file by scripts/build-catalog.mjs with known data bugs corrected.
 */
import { Catalog } from "./catalog.js";
import { CATALOG_CHECKED, GENERATED_MODELS } from "./data/models.generated.js";

export { CATALOG_CHECKED };

/**
 * The shipped catalog. Extend it with your own prices rather than editing it.
 *
 * @example
 * ```ts
 * defaultCatalog.get("gpt-4o").prices; // { input: "2.5", output: "10", cachedInput: "1.25", ... }
 * const mine = defaultCatalog.extend(parseCatalogFile(JSON.parse(text)));
 * ```
 */
export const defaultCatalog: Catalog = new Catalog(GENERATED_MODELS);
