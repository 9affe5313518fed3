import type { ChatProvider } from "../../adapters/providers/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { FallbackCandidate, FallbackOptions } from "./fallback.js";
import type { ModelRoute } from "./model-router.js";

/**
 * The candidates `withFallback` tries. Providers stand in for the routes' own until called,
 * so a fallback whose key is missing only fails if it is actually needed.
 *
 * @example
 * ```ts
 * await withFallback(fallbackCandidates(routes), (candidate, { index }) => call(routes[index]));
 * ```
 */
export function fallbackCandidates(routes: readonly ModelRoute[]): FallbackCandidate[] {
  return routes.map((route) => ({ model: route.reference, provider: deferredProvider(route) }));
}

/**
 * What `withFallback` needs to skip, after a context overflow, the candidates whose window
 * cannot hold the request's input plus its output limit.
 *
 * @example
 * ```ts
 * contextFitOptions(routes, request, 12_000); // { contextWindowOf, inputTokens: 12_000, maxOutputTokens }
 * ```
 */
export function contextFitOptions(
  routes: readonly ModelRoute[],
  request: ChatRequest,
  inputTokens: number,
): FallbackOptions {
  const windows = new Map(routes.map((route) => [route.reference, route.info.contextWindow]));
  const options: FallbackOptions = {
    contextWindowOf: (model) => windows.get(model),
    inputTokens,
  };
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxOutputTokens !== undefined) options.maxOutputTokens = maxOutputTokens;
  return options;
}

function deferredProvider(route: ModelRoute): ChatProvider {
  return {
    name: route.providerName,
    chat: (request, options) => route.provider().chat(request, options),
    streamChat: (request, options) => route.provider().streamChat(request, options),
  };
}
