import type { ModelInfo } from "../catalog/index.js";
import type { ChatMessage, ToolDefinition } from "../messages/index.js";
import type { TokenCount } from "../tokens/index.js";
import { createInputCounter } from "./estimate-cost.js";
import { type ModelCatalog, resolveModel } from "./model-catalog.js";

export interface CountTokensOptions {
  /** A model name or alias (its tokenizer is looked up in the catalog), or a model entry. */
  model: string | ModelInfo;
  /** A prompt, or the messages of a chat request (counted by OpenAI's chat rules). */
  input: string | ChatMessage[];
  /** Tool definitions sent with the request. */
  tools?: ToolDefinition[];
  catalog?: ModelCatalog;
}

/**
 * Counts the tokens of a prompt or chat request for a model: exact for OpenAI models, a
 * labelled estimate (`exact: false`) for Claude and Gemini, which publish no offline tokenizer.
 *
 * @example
 * ```ts
 * countTokens({ model: "gpt-4o", input: "Hello, how are you today?" });
 * // { model: "gpt-4o", tokens: 7, exact: true, method: "o200k_base" }
 * ```
 */
export function countTokens(options: CountTokensOptions): TokenCount & { model: string } {
  const model = resolveModel(options.model, options.catalog);
  const count = createInputCounter(options.input, options.tools)(model);
  return { model: model.id, tokens: count.tokens, exact: count.exact, method: count.method };
}
