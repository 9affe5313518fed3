/**
 * The steps a chat call takes whether or not it streams: the request checked and routed, the
 * response cache consulted, each route tried under its own budget reservation, and the reply
 * that was served charged at its exact cost.
 */
import type { ResponseCache } from "../cache/response-cache.js";
import { type CostBreakdown, costFromUsage } from "../cost/cost-from-usage.js";
import { invalidInput } from "../errors/index.js";
import type { JsonValue } from "../ledger/index.js";
import type { ChatRequest } from "../messages/types.js";
import type { Picodollars } from "../money/index.js";
import type { ChatResult } from "../providers/types.js";
import { type Charge, openCharge } from "./budget-guard.js";
import { cacheKeyRequest, readCache, recordCacheHit } from "./cache-hit.js";
import type { ClientContext } from "./client-context.js";
import type { ClientCallOptions, ClientChatResult } from "./client-types.js";
import { withFallback } from "./fallback.js";
import { contextFitOptions, fallbackCandidates } from "./fallback-candidates.js";
import type { ModelRoute } from "./model-router.js";
import { endFailedCharge, reportedUsage } from "./partial-usage.js";
import { type WorstCase, worstCaseCost } from "./worst-case-cost.js";

/** A checked chat request with its routes, budget and response cache. */
export interface PreparedChat {
  /** The routes to try in order: the request's model, then the fallbacks. */
  routes: ModelRoute[];
  scope: string;
  /** The hard limit; undefined when the call only records its spend. */
  limit: Picodollars | undefined;
  /** The response cache, unless the client has none or the call opted out. */
  cache: ResponseCache | undefined;
  /** The request as the response cache keys it. */
  keyed: ChatRequest;
}

/** One route being tried, under the reservation of its own worst case. */
export interface RouteAttempt {
  route: ModelRoute;
  worstCase: WorstCase;
  charge: Charge;
}

/**
 * Checks the parts of a request the client reads before any provider does.
 *
 * @example
 * ```ts
 * assertChatRequest({ model: "gpt-4o-mini", messages: [] }); // ok
 * ```
 */
export function assertChatRequest(request: unknown): asserts request is ChatRequest {
  if (typeof request !== "object" || request === null) {
    throw invalidInput("request", "must be a chat request object { model, messages, ... }");
  }
  const { messages } = request as { messages?: unknown };
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidInput(
      "request.messages",
      'must be a non-empty array of messages such as [{ role: "user", content: "Hi" }]',
    );
  }
}

/**
 * Checks a chat request and resolves what the call needs before any I/O: its routes (unknown
 * models fail here), budget scope and limit, and response cache key.
 *
 * @example
 * ```ts
 * const prepared = prepareChat(context, { model: "gpt-4o-mini", messages }, {});
 * prepared.routes[0].reference; // "gpt-4o-mini"
 * ```
 */
export function prepareChat(
  context: ClientContext,
  request: ChatRequest,
  options: ClientCallOptions,
): PreparedChat {
  assertChatRequest(request);
  const routes = context.candidatesFor(request.model, options);
  const primary = routes[0] as ModelRoute;
  const { scope, limit } = context.budgetFor(options);
  const cache = options.cache === false ? undefined : context.responseCache;
  return { routes, scope, limit, cache, keyed: cacheKeyRequest(request, primary) };
}

/**
 * The cached reply to a prepared call, recorded in the ledger as a $0 hit, or undefined on a
 * miss (or without a cache).
 *
 * @example
 * ```ts
 * const cached = await cachedReply(context, prepared);
 * if (cached !== undefined) return cached;
 * ```
 */
export async function cachedReply(
  context: ClientContext,
  prepared: PreparedChat,
): Promise<ClientChatResult | undefined> {
  if (prepared.cache === undefined) return undefined;
  const hit = await readCache(prepared.cache, prepared.keyed);
  if (hit === undefined) return undefined;
  const primary = prepared.routes[0] as ModelRoute;
  return recordCacheHit({ ledger: context.ledger, hit, primary, scope: prepared.scope });
}

/**
 * Tries the prepared routes in turn (with `withFallback`'s rules), reserving each route's
 * worst case before `attempt` runs. When `attempt` throws, the reservation is released, or the
 * part the provider reported as used is charged, and the error goes on to `withFallback`.
 *
 * @example
 * ```ts
 * const result = await tryRoutes({ context, request, prepared, attempt: async ({ route, charge }) => {
 *   const result = await route.provider().chat({ ...request, model: route.model });
 *   await settleServed({ charge, route, result, metadata: { reference: route.reference } });
 *   return result;
 * } });
 * ```
 */
export async function tryRoutes<T>(options: {
  context: ClientContext;
  request: ChatRequest;
  prepared: PreparedChat;
  attempt: (step: RouteAttempt) => Promise<T>;
}): Promise<T> {
  const { context, request, prepared, attempt } = options;
  const { routes, scope, limit } = prepared;
  const worstCases = routes.map((route) =>
    worstCaseCost({ ...request, model: route.model }, route.info),
  );
  return withFallback(
    fallbackCandidates(routes),
    async (_candidate, { index }) => {
      const route = routes[index] as ModelRoute;
      const worstCase = worstCases[index] as WorstCase;
      const charge = await openCharge({
        ledger: context.ledger,
        scope,
        limit,
        worstCase,
        reservationTtlMs: context.reservationTtlMs,
      });
      try {
        return await attempt({ route, worstCase, charge });
      } catch (error) {
        await endFailedCharge({
          charge,
          error,
          model: route.info,
          provider: route.providerName,
          usage: reportedUsage(error),
          metadata: { reference: route.reference },
        });
        throw error;
      }
    },
    contextFitOptions(routes, request, (worstCases[0] as WorstCase).inputTokens),
  );
}

/**
 * Charges a served reply at its exact cost and appends its spend record; returns the cost.
 *
 * @example
 * ```ts
 * const cost = await settleServed({ charge, route, result, metadata: { reference: route.reference } });
 * ```
 */
export async function settleServed(options: {
  charge: Charge;
  route: ModelRoute;
  result: ChatResult;
  metadata: { [key: string]: JsonValue };
}): Promise<CostBreakdown> {
  const { charge, route, result } = options;
  const cost = costFromUsage(route.info, result.usage);
  await charge.settle(cost.total, {
    model: route.info.id,
    provider: result.provider,
    usage: result.usage,
    requestId: result.id,
    metadata: options.metadata,
  });
  return cost;
}

/**
 * A reply the provider served, as the client returns it.
 *
 * @example
 * ```ts
 * servedResult({ result, cost, route, attempts: 1, partial: false }).modelUsed; // route.reference
 * ```
 */
export function servedResult(options: {
  result: ChatResult;
  cost: CostBreakdown;
  route: ModelRoute;
  attempts: number;
  partial: boolean;
}): ClientChatResult {
  return {
    ...options.result,
    cost: options.cost,
    cached: false,
    attempts: options.attempts,
    modelUsed: options.route.reference,
    partial: options.partial,
  };
}
