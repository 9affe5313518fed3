export { Catalog, type CatalogListFilter, createCatalog } from "./catalog.js";
export type { CuratedFact, CuratedFacts } from "./curated-facts.js";
export { isDecimalPrice, perTokenToPerMillion } from "./decimal-price.js";
export { CATALOG_CHECKED, defaultCatalog } from "./default-catalog.js";
export {
  DEFAULT_ESTIMATE_TOKENIZER,
  type InferTokenizerOptions,
  inferTokenizer,
} from "./infer-tokenizer.js";
export {
  type FieldChange,
  type FieldOutcome,
  type LiteLLMMerge,
  type MergeLiteLLMPricesOptions,
  mergeLiteLLMPrices,
} from "./merge-litellm-prices.js";
export { normalizeModelName, stripProviderPrefix } from "./model-name.js";
export {
  CAPABILITY_NAMES,
  type CatalogEntry,
  isCompleteModel,
  type ModelOverride,
  mergeModel,
} from "./model-override.js";
export { type ParseCatalogFileOptions, parseCatalogFile } from "./parse-catalog-file.js";
export {
  type LiteLLMImport,
  type LiteLLMSkipReason,
  type ParseLiteLLMPricesOptions,
  parseLiteLLMPrices,
  readLiteLLMPrices,
  type SkippedLiteLLMEntry,
} from "./parse-litellm-prices.js";
export type {
  ModelCapabilities,
  ModelInfo,
  ModelPrices,
  PricePeriod,
  PriceTier,
  Provider,
  SpeedClass,
  TokenizerName,
} from "./types.js";
export { type UnknownModelErrorOptions, unknownModelError } from "./unknown-model-error.js";
export { type CatalogIssue, isIsoDate } from "./validate-model-entry.js";
