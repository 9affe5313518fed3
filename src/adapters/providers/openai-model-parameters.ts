/**
 * OpenAI reasoning models (the o-series and the gpt-5 family) reject `max_tokens` and the
 * sampling parameters with HTTP 400 ("Unsupported parameter: 'max_tokens' ... use
 * 'max_completion_tokens' instead", "Unsupported value: 'temperature' does not support 0.2").
 * Chat Completions and the Responses API both adapt a request here, once, so `client.chat` and
 * `client.generate` (which sets a temperature from the task) reach these models alike.
 */
import { defaultCatalog } from "../../core/catalog/index.js";
import type { ChatRequest } from "../../core/messages/index.js";

/** Parameters reasoning models do not accept. */
const SAMPLING_PARAMETERS = [
  "temperature",
  "top_p",
  "presence_penalty",
  "frequency_penalty",
] as const;

/**
 * True for models OpenAI runs as reasoning models: the catalog's `capabilities.reasoning` for
 * a known OpenAI model (the gpt-5 chat-latest snapshots included, as LiteLLM marks them), else
 * the family name (o1, o3, o4-mini..., gpt-5*).
 *
 * @example
 * ```ts
 * isOpenAIReasoningModel("gpt-5-mini"); // true
 * isOpenAIReasoningModel("gpt-4o"); // false
 * ```
 */
export function isOpenAIReasoningModel(model: string): boolean {
  const known = defaultCatalog.find(model);
  if (known !== undefined && known.provider === "openai") return known.capabilities.reasoning;
  const name = model.toLowerCase().replace(/^openai\//, "");
  return /^(o\d+(-|$)|gpt-5(\.\d+)?(-|$))/.test(name);
}

/**
 * The request as an OpenAI model accepts it: for a reasoning model, `max_tokens` becomes
 * `max_completion_tokens` and the sampling parameters are dropped; other models are unchanged.
 *
 * @example
 * ```ts
 * adaptOpenAIRequest({ model: "o3", messages, max_tokens: 100, temperature: 0.2 });
 * // { model: "o3", messages, max_completion_tokens: 100 }
 * ```
 */
export function adaptOpenAIRequest(request: ChatRequest): ChatRequest {
  if (!isOpenAIReasoningModel(request.model)) return request;
  const adapted: ChatRequest = { ...request };
  for (const parameter of SAMPLING_PARAMETERS) delete adapted[parameter];
  if (adapted.max_tokens !== undefined) {
    adapted.max_completion_tokens ??= adapted.max_tokens;
    delete adapted.max_tokens;
  }
  return adapted;
}
