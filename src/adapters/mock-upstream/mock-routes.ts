/**
 * The mock's URL table: which provider and endpoint answer a method and path. The paths are
 * the real APIs' (OpenAI and Anthropic under `/v1`, Gemini under `/v1beta`); every endpoint
 * takes POST only.
 */
import {
  anthropicCountTokensEndpoint,
  anthropicErrors,
  anthropicMessagesEndpoint,
} from "./anthropic-handlers.js";
import { GEMINI_METHODS, geminiEndpoint, geminiErrors } from "./gemini-handlers.js";
import type { MockRoute } from "./mock-handler.js";
import { openAIChatEndpoint, openAIEmbeddingsEndpoint, openAIErrors } from "./openai-handlers.js";
import { responsesEndpoint } from "./responses-handlers.js";

const FIXED_ROUTES: ReadonlyMap<string, MockRoute> = new Map([
  [
    "/v1/chat/completions",
    { provider: "openai", errors: openAIErrors, endpoint: openAIChatEndpoint },
  ],
  ["/v1/responses", { provider: "openai", errors: openAIErrors, endpoint: responsesEndpoint }],
  [
    "/v1/embeddings",
    { provider: "openai", errors: openAIErrors, endpoint: openAIEmbeddingsEndpoint },
  ],
  [
    "/v1/messages",
    { provider: "anthropic", errors: anthropicErrors, endpoint: anthropicMessagesEndpoint },
  ],
  [
    "/v1/messages/count_tokens",
    { provider: "anthropic", errors: anthropicErrors, endpoint: anthropicCountTokensEndpoint },
  ],
]);

/** `/v1beta/models/{model}:{method}`; the model is URL-encoded. */
const GEMINI_PATH = new RegExp(`^/v1beta/models/([^/:]+):(${GEMINI_METHODS.join("|")})$`);

/**
 * The route of a request, or undefined when the mock has none (the server answers 404).
 *
 * @example
 * ```ts
 * routeOf("POST", "/v1/messages")?.provider; // "anthropic"
 * routeOf("POST", "/v1beta/models/gemini-2.5-flash:countTokens")?.endpoint.operation; // "count_tokens"
 * routeOf("GET", "/v1/chat/completions"); // undefined
 * ```
 */
export function routeOf(method: string, pathname: string): MockRoute | undefined {
  if (method !== "POST") return undefined;
  const fixed = FIXED_ROUTES.get(pathname);
  if (fixed !== undefined) return fixed;
  const [, model, name] = GEMINI_PATH.exec(pathname) ?? [];
  const geminiMethod = GEMINI_METHODS.find((known) => known === name);
  if (!model || geminiMethod === undefined) return undefined;
  return {
    provider: "gemini",
    errors: geminiErrors,
    endpoint: geminiEndpoint(decodeURIComponent(model), geminiMethod),
  };
}
