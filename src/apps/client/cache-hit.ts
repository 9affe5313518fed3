import type { CachedResponse, ResponseCache } from "../../adapters/cache/index.js";
import type { Ledger } from "../../adapters/ledger/index.js";
import type { ChatResult } from "../../adapters/providers/index.js";
import { type CostBreakdown, costFromUsage, emptyUsage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { toDecimalString } from "../../core/money/index.js";
import type { ClientCallOptions, ClientChatResult } from "./client-types.js";
import type { ModelRoute } from "./model-router.js";

/**
 * The request as the response cache keys it: the model becomes "provider/model", so the same
 * model asked for by two spellings shares one entry, and the same name on two providers does not.
 *
 * @example
 * ```ts
 * cacheKeyRequest(request, router.route("gpt-4o-mini")).model; // "openai/gpt-4o-mini"
 * ```
 */
export function cacheKeyRequest(request: ChatRequest, primary: ModelRoute): ChatRequest {
  return { ...request, model: `${primary.providerName}/${primary.model}` };
}

/**
 * The cached response, or undefined. A store that fails to answer counts as a miss: the call
 * then goes to the provider instead of failing.
 *
 * @example
 * ```ts
 * const hit = await readCache(cache, keyed);
 * ```
 */
export async function readCache(
  cache: ResponseCache,
  request: ChatRequest,
): Promise<CachedResponse | undefined> {
  try {
    return await cache.get(request);
  } catch (error) {
    if (TokenwiseError.hasCode(error, "store_error")) return undefined;
    throw error;
  }
}

/**
 * Stores a paid-for result. A store failure is not the caller's failure: the reply is already
 * paid for and in hand, so it is returned rather than lost.
 *
 * @example
 * ```ts
 * await writeCache(cache, keyed, result);
 * ```
 */
export async function writeCache(
  cache: ResponseCache,
  request: ChatRequest,
  result: ChatResult,
): Promise<void> {
  try {
    await cache.set(request, result);
  } catch (error) {
    if (!TokenwiseError.hasCode(error, "store_error")) throw error;
  }
}

/**
 * Records a cache hit in the ledger at $0 (`cached: true`; what the reply would have cost on
 * the requested model, at the prices in force at `at`, is kept in `metadata.savedCost`) and
 * returns it as the call's result.
 *
 * @example
 * ```ts
 * if (hit) return recordCacheHit({ ledger, hit, primary, scopes: ["team-a"], options: {}, at: new Date() });
 * ```
 */
export async function recordCacheHit(options: {
  ledger: Ledger;
  hit: CachedResponse;
  primary: ModelRoute;
  /** The scopes the call would have charged, its record scope first. */
  scopes: string[];
  /** The call's options: their `requestId` and `metadata` go into the record. */
  options: ClientCallOptions;
  /** When the call was made: the saving is priced at the prices in force then. */
  at: Date;
}): Promise<ClientChatResult> {
  const { ledger, hit, primary, scopes } = options;
  const saved = costFromUsage(primary.info, hit.result.usage, { at: options.at }).total;
  await ledger.record({
    scope: scopes[0] as string,
    ...(scopes.length > 1 ? { scopes } : {}),
    model: primary.info.id,
    provider: hit.result.provider,
    usage: emptyUsage(),
    cost: 0n,
    requestId: options.options.requestId ?? hit.result.id,
    cached: true,
    metadata: {
      ...options.options.metadata,
      reference: primary.reference,
      savedCost: toDecimalString(saved),
    },
  });
  return {
    ...hit.result,
    cost: zeroCost(primary.info.id),
    cached: true,
    attempts: 0,
    modelUsed: primary.reference,
    partial: false,
  };
}

/**
 * A cost breakdown where every amount is 0.
 *
 * @example
 * ```ts
 * zeroCost("gpt-4o-mini").total; // 0n
 * ```
 */
export function zeroCost(model: string): CostBreakdown {
  return {
    model,
    input: 0n,
    cachedInput: 0n,
    cacheWrite: 0n,
    output: 0n,
    reasoning: 0n,
    total: 0n,
    batch: false,
  };
}
