import type { ChatMessage, ToolDefinition } from "../messages/index.js";
import {
  type CostEstimate,
  createInputCounter,
  estimateFromCount,
  readExpectedOutputTokens,
} from "./estimate-cost.js";
import {
  catalogOrDefault,
  chatModels,
  isDeprecated,
  type ModelCatalog,
  resolveChatModels,
} from "./model-catalog.js";

export interface CompareCostsOptions {
  /** A prompt, or the messages of a chat request. */
  input: string | ChatMessage[];
  /** Output tokens to price (default 500). */
  expectedOutputTokens?: number;
  /** Models to compare (names or aliases). Default: every current chat model in the catalog. */
  models?: string[];
  /** Tool definitions sent with the request; they count as input. */
  tools?: ToolDefinition[];
  /** When the call is made: every model is priced at its prices of that day. Default: now. */
  at?: Date | string;
  catalog?: ModelCatalog;
}

export interface CostComparisonRow extends CostEstimate {
  /** True on exactly one row, the cheapest that fits, when any row fits. */
  cheapestThatFits: boolean;
}

/**
 * Estimates one call on several models, cheapest first. The input is counted once per
 * tokenizer, and the cheapest model that fits is marked.
 *
 * @example
 * ```ts
 * const rows = compareCosts({
 *   input: "Explain quantum computing in detail with examples...",
 *   expectedOutputTokens: 500,
 *   models: ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"],
 * });
 * rows[0].model; // "gpt-4o-mini"
 * rows.find((row) => row.cheapestThatFits)?.model; // "gpt-4o-mini"
 * ```
 */
export function compareCosts(options: CompareCostsOptions): CostComparisonRow[] {
  const catalog = catalogOrDefault(options.catalog);
  const expectedOutputTokens = readExpectedOutputTokens(options.expectedOutputTokens);
  const models =
    options.models === undefined
      ? chatModels(catalog).filter((model) => !isDeprecated(model))
      : resolveChatModels(options.models, catalog);
  const countInput = createInputCounter(options.input, options.tools);
  const rows = models
    .map((model) => ({
      ...estimateFromCount(model, countInput(model), expectedOutputTokens, options.at),
      cheapestThatFits: false,
    }))
    .sort(byCostThenId);
  const cheapest = rows.find((row) => row.fits);
  if (cheapest !== undefined) cheapest.cheapestThatFits = true;
  return rows;
}

function byCostThenId(a: CostEstimate, b: CostEstimate): number {
  if (a.totalCost !== b.totalCost) return a.totalCost < b.totalCost ? -1 : 1;
  return a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
}
