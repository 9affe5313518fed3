import type { ChatRequest } from "../../core/messages/index.js";

export interface CacheabilityOptions {
  /**
   * Also cache requests sampled with temperature above 0 (or left at the provider default,
   * which is above 0). Every later identical request then gets the same answer.
   */
  cacheNonDeterministic?: boolean;
}

/**
 * Whether a response to `request` may be served from (and written to) the response cache.
 *
 * By default only `temperature: 0` requests qualify. At temperature 0 the model is asked for
 * its most likely answer, so a stored answer is as good as a fresh one. Above 0, and when
 * temperature is left out (providers then sample at about 1), callers ask for variety: a
 * creative prompt sent twice should not come back word for word. Set `cacheNonDeterministic`
 * to trade that variety for cost.
 *
 * A request for several choices (`n` > 1) is never cacheable: it explicitly asks for distinct
 * samples, and a stored result holds one.
 *
 * @example
 * ```ts
 * isCacheableRequest({ model: "gpt-4o-mini", messages, temperature: 0 }); // true
 * isCacheableRequest({ model: "gpt-4o-mini", messages }); // false: default temperature samples
 * isCacheableRequest({ model: "gpt-4o-mini", messages }, { cacheNonDeterministic: true }); // true
 * isCacheableRequest({ model: "gpt-4o-mini", messages, temperature: 0, n: 3 }); // false
 * ```
 */
export function isCacheableRequest(
  request: ChatRequest,
  options: CacheabilityOptions = {},
): boolean {
  if (request.n !== undefined && request.n > 1) return false;
  if (options.cacheNonDeterministic === true) return true;
  return request.temperature === 0;
}
