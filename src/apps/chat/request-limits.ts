/**
 * What a chat request may hold on a model: the output limit, the input room it leaves in the
 * context window, and the field the limit is sent in.
 */
import type { ModelInfo } from "../../core/catalog/index.js";
import type { ModelCatalog } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { isEncodingName } from "../../core/tokens/index.js";
import { ESTIMATED_INPUT_MARGIN } from "../client/index.js";

/**
 * The catalog entry of a chat model; throws `invalid_input` naming `field` for an empty name or
 * a model that does not chat, `unknown_model` for one the catalog does not know.
 *
 * @example
 * ```ts
 * chatModelInfo(defaultCatalog, "gpt-4o-mini", "model").contextWindow; // 128000
 * ```
 */
export function chatModelInfo(catalog: ModelCatalog, name: string, field: string): ModelInfo {
  if (typeof name !== "string" || name.trim() === "") {
    throw invalidInput(
      field,
      `must be a model name such as "gpt-4o-mini", got ${JSON.stringify(name)}`,
    );
  }
  const model = catalog.get(name);
  if (model.mode !== "chat") {
    throw invalidInput(field, `names ${model.id}, an ${model.mode} model; choose a chat model`);
  }
  return model;
}

/** The provider the catalog gives a model (a fallback's too), or undefined for an unknown one. */
export function providerOf(catalog: ModelCatalog, model: string): string | undefined {
  try {
    return catalog.get(model).provider;
  } catch {
    return undefined;
  }
}

/** The output limit of a request: the setting, capped by the model's maximum. */
export function outputLimit(model: ModelInfo, maxOutputTokens: number): number {
  return Math.min(maxOutputTokens, model.maxOutputTokens);
}

/**
 * Most input tokens a request may have so that the reply still fits: the context window minus
 * the output limit (and the model's input cap), less the margin for estimated tokenizers.
 */
export function inputLimit(model: ModelInfo, maxOutputTokens: number, field: string): number {
  const room = Math.min(
    model.contextWindow - maxOutputTokens,
    model.maxInputTokens ?? Number.POSITIVE_INFINITY,
  );
  const limit = isEncodingName(model.tokenizer) ? room : Math.floor(room / ESTIMATED_INPUT_MARGIN);
  if (limit <= 0) {
    throw invalidInput(
      field,
      `(${maxOutputTokens}) leaves no room for input in ${model.id}'s context window of ${model.contextWindow} tokens; lower it`,
    );
  }
  return limit;
}

/** OpenAI's reasoning models take `max_completion_tokens`; everything else `max_tokens`. */
export function outputLimitField(
  model: ModelInfo,
  maxOutputTokens: number,
): Pick<ChatRequest, "max_tokens" | "max_completion_tokens"> {
  return model.provider === "openai" && model.capabilities.reasoning
    ? { max_completion_tokens: maxOutputTokens }
    : { max_tokens: maxOutputTokens };
}
