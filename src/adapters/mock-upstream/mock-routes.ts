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
const GEMINI_PREFIX = "/v1beta/";

/**
 * The route of a request, or undefined when the mock has none (the server answers 404 with
 * {@link unroutedErrorBody}): a Gemini path whose model is not valid percent-encoding has none.
 *
 * @example
 * ```ts
 * routeOf("POST", "/v1/messages")?.provider; // "anthropic"
 * routeOf("POST", "/v1beta/models/gemini-2.5-flash:countTokens")?.endpoint.operation; // "count_tokens"
 * routeOf("GET", "/v1/chat/completions"); // undefined
 * routeOf("POST", "/v1beta/models/bad%E0%A4%A:generateContent"); // undefined
 * ```
 */
export function routeOf(method: string, pathname: string): MockRoute | undefined {
  if (method !== "POST") return undefined;
  const fixed = FIXED_ROUTES.get(pathname);
  if (fixed !== undefined) return fixed;
  const [, encodedModel, name] = GEMINI_PATH.exec(pathname) ?? [];
  const geminiMethod = GEMINI_METHODS.find((known) => known === name);
  if (!encodedModel || geminiMethod === undefined) return undefined;
  const model = decodeModel(encodedModel);
  if (model === undefined) return undefined;
  return {
    provider: "gemini",
    errors: geminiErrors,
    endpoint: geminiEndpoint(model, geminiMethod),
  };
}

/**
 * The 404 body for a request {@link routeOf} has no route for, naming the method and path (and,
 * for a Gemini path with a model that does not decode, why): in Gemini's error format under
 * `/v1beta/`, the only API there; elsewhere `{ error: { message } }`, since `/v1/` is shared by
 * OpenAI and Anthropic.
 *
 * @example
 * ```ts
 * unroutedErrorBody("POST", "/v1beta/models/g:embedContent");
 * // { error: { code: 404, message: "No mock route for POST /v1beta/models/g:embedContent", status: "NOT_FOUND" } }
 * ```
 */
export function unroutedErrorBody(method: string, pathname: string): unknown {
  const message = `No mock route for ${method} ${pathname}`;
  if (!pathname.startsWith(GEMINI_PREFIX)) return { error: { message } };
  const [, encodedModel] = GEMINI_PATH.exec(pathname) ?? [];
  const undecodable =
    method === "POST" && encodedModel !== undefined && decodeModel(encodedModel) === undefined;
  return geminiErrors.errorBody(
    404,
    undecodable
      ? `${message}: the model name "${encodedModel}" is not valid percent-encoding.`
      : message,
  );
}

/** The model named in a Gemini path, or undefined when its percent-encoding is broken. */
function decodeModel(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}
