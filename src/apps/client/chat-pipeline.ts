/**
 * The steps a chat call takes whether or not it streams: the request checked and routed, the
 * response cache consulted, each route tried under its own budget reservation, and the reply
 * that was served charged at its exact cost.
 */
import type { ResponseCache } from "../../adapters/cache/index.js";
import type { JsonValue, ScopeBudget } from "../../adapters/ledger/index.js";
import type { ChatResult } from "../../adapters/providers/index.js";
import { type CostBreakdown, costFromUsage } from "../../core/cost/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type Charge, openAdmittedCharge } from "./budget-guard.js";
import { cacheKeyRequest, readCache, recordCacheHit } from "./cache-hit.js";
import type { ClientContext } from "./client-context.js";
import type { ClientCallOptions, ClientChatResult } from "./client-types.js";
import { failureReason } from "./failure-reason.js";
import { defaultShouldFallback, withFallback } from "./fallback.js";
import { contextFitOptions, fallbackCandidates } from "./fallback-candidates.js";
import type { ModelRoute } from "./model-router.js";
import { endFailedCharge, reportedUsage } from "./partial-usage.js";
import type { RetryPolicy } from "./retry-policy.js";
import { type WorstCase, worstCaseCost } from "./worst-case-cost.js";

/** A checked chat request with its routes, budget and response cache. */
export interface PreparedChat {
  /** The routes to try in order: the request's model, then the fallbacks. */
  routes: ModelRoute[];
  /** Where the spend is recorded (with budgets: the first one's scope). */
  scope: string;
  /** The budgets reserved on; none when the call only records its spend. */
  budgets: ScopeBudget[];
  /** The response cache, unless the client has none or the call opted out. */
  cache: ResponseCache | undefined;
  /** The request as the response cache keys it. */
  keyed: ChatRequest;
  options: ClientCallOptions;
  /**
   * When the call was made (the client's clock): its reservations, its settle and a cache
   * hit's saving all price at the prices in force then, so a call that runs across a price
   * change never settles above what it reserved.
   */
  pricedAt: Date;
}

/** One route being tried, under the reservation of its own worst case. */
export interface RouteAttempt {
  route: ModelRoute;
  worstCase: WorstCase;
  charge: Charge;
  /**
   * The retry policy for this route: the client's, with a signal that also aborts when the
   * charge's lease is lost, and `onRetry` reporting the route's model.
   */
  policy: RetryPolicy;
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
 * Marks a call's admission as handled at once: it is awaited later (after the reservation),
 * and a call that fails before that must not leave it as an unhandled rejection.
 *
 * @example
 * ```ts
 * holdAdmission(options); // first thing in a call
 * ```
 */
export function holdAdmission(options: ClientCallOptions): void {
  if (options.admission !== undefined) Promise.resolve(options.admission).catch(() => {});
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
  const { scope, budgets } = context.budgetFor(options);
  const cache = options.cache === false ? undefined : context.responseCacheFor(options);
  return {
    routes,
    scope,
    budgets,
    cache,
    keyed: cacheKeyRequest(request, primary),
    options,
    pricedAt: new Date(context.now()),
  };
}

/**
 * The spend-record fields a call adds: its `requestId` and `metadata`, under the client's own
 * metadata (which wins on a clash, so records stay truthful).
 *
 * @example
 * ```ts
 * callRecordFields({ requestId: "r1", metadata: { user: "u" } }, { reference: "gpt-4o-mini" });
 * // { requestId: "r1", metadata: { user: "u", reference: "gpt-4o-mini" } }
 * ```
 */
export function callRecordFields(
  options: ClientCallOptions,
  metadata: { [key: string]: JsonValue },
): { requestId?: string; metadata: { [key: string]: JsonValue } } {
  const fields: { requestId?: string; metadata: { [key: string]: JsonValue } } = {
    metadata: { ...options.metadata, ...metadata },
  };
  if (options.requestId !== undefined) fields.requestId = options.requestId;
  return fields;
}

/**
 * The retry policy of one route: the call's signal joined with the charge's (so a lost lease
 * stops the call), and `onRetry` told which model is retried and why.
 *
 * @example
 * ```ts
 * withRetry(fn, routePolicy(context.retryPolicyFor(options), options, route, charge));
 * ```
 */
export function routePolicy(
  policy: RetryPolicy,
  options: ClientCallOptions,
  model: string,
  charge: Charge,
): RetryPolicy {
  const signals = [policy.signal, charge.signal].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  const clientOnRetry = policy.onRetry;
  return {
    ...policy,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    onRetry(info) {
      clientOnRetry?.(info);
      options.onRetry?.({ ...info, model, reason: failureReason(info.error) });
    },
  };
}

/**
 * The error to report for a failed route: the lease-lost error when the charge stopped the
 * call (keeping the usage the stream reported), else the error itself.
 *
 * @example
 * ```ts
 * throw routeError(error, charge);
 * ```
 */
export function routeError(error: unknown, charge: Charge): unknown {
  if (!charge.signal.aborted) return error;
  const reason: unknown = charge.signal.reason;
  if (TokenwiseError.isInstance(reason) && TokenwiseError.isInstance(error)) {
    for (const key of ["usage", "cost"]) {
      if (error.details[key] !== undefined) reason.details[key] = error.details[key];
    }
  }
  return reason;
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
  // A refused call gets no reply, not even a free one.
  await prepared.options.admission;
  const primary = prepared.routes[0] as ModelRoute;
  return recordCacheHit({
    ledger: context.ledger,
    hit,
    primary,
    scopes: scopesOf(prepared),
    options: prepared.options,
    at: prepared.pricedAt,
  });
}

/** Every scope a prepared call charges, its record scope first. */
function scopesOf(prepared: PreparedChat): string[] {
  return prepared.budgets.length > 0
    ? prepared.budgets.map((budget) => budget.scope)
    : [prepared.scope];
}

/**
 * Tries the prepared routes in turn (with `withFallback`'s rules), reserving each route's
 * worst case before `attempt` runs. When `attempt` throws, the reservation is released, or the
 * part the provider reported as used is charged, and the error goes on to `withFallback`.
 *
 * @example
 * ```ts
 * const result = await tryRoutes({ context, request, prepared, attempt: async ({ route, charge, policy }) => {
 *   const result = await withRetry(({ signal }) => route.provider().chat({ ...request, model: route.model }, { signal }), policy);
 *   await settleServed({ charge, route, result, options, metadata: { reference: route.reference } });
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
  const { routes, scope, budgets } = prepared;
  const policy = context.retryPolicyFor(prepared.options);
  const worstCases = routes.map((route) =>
    worstCaseCost({ ...request, model: route.model }, route.info, { at: prepared.pricedAt }),
  );
  // Set when the call's admission refused it: that ends the call, no fallback is tried.
  let refused = false;
  const admission = prepared.options.admission?.catch((error: unknown) => {
    refused = true;
    throw error;
  });
  // Awaited by the first route; marked handled here in case no route runs.
  admission?.catch(() => {});
  const fitOptions = contextFitOptions(routes, request, (worstCases[0] as WorstCase).inputTokens);
  return withFallback(
    fallbackCandidates(routes),
    async (_candidate, { index }) => {
      const route = routes[index] as ModelRoute;
      const worstCase = worstCases[index] as WorstCase;
      const charge = await openAdmittedCharge(
        {
          ledger: context.ledger,
          scope,
          budgets,
          worstCase,
          reservationTtlMs: context.reservationTtlMs,
        },
        index === 0 ? admission : undefined,
      );
      const step = {
        route,
        worstCase,
        charge,
        policy: routePolicy(policy, prepared.options, route.reference, charge),
      };
      try {
        return await attempt(step);
      } catch (caught) {
        const error = routeError(caught, charge);
        await endFailedCharge({
          charge,
          error,
          model: route.info,
          provider: route.providerName,
          usage: reportedUsage(error),
          at: prepared.pricedAt,
          ...attemptRecordFields(prepared.options, route.reference, index),
        });
        throw error;
      }
    },
    {
      ...fitOptions,
      shouldFallback: (error) => !refused && defaultShouldFallback(error),
    },
  );
}

/**
 * The record fields of a route's failed charge. Its request id names the route it was charged
 * on (`<requestId>:route-<n>`): a fallback that answers later writes the call's own request id,
 * and two rows with one request id would be folded into one by the engines that keep spend
 * rows unique by request id (PostgreSQL, the Redis outbox relay), losing the partial charge.
 */
function attemptRecordFields(
  options: ClientCallOptions,
  reference: string,
  index: number,
): ReturnType<typeof callRecordFields> {
  const fields = callRecordFields(options, { reference });
  if (fields.requestId !== undefined) {
    fields.metadata.requestId = fields.requestId;
    fields.requestId = `${fields.requestId}:route-${index + 1}`;
  }
  return fields;
}

/**
 * Charges a served reply at its exact cost, at the prices in force at `at` (the call's
 * `pricedAt`, as its reservation), and appends its spend record; returns the cost.
 *
 * @example
 * ```ts
 * const cost = await settleServed({ charge, route, result, options, at: prepared.pricedAt, metadata: { reference: route.reference } });
 * ```
 */
export async function settleServed(options: {
  charge: Charge;
  route: ModelRoute;
  result: ChatResult;
  /** The call's options: their `requestId` and `metadata` go into the record. */
  options: ClientCallOptions;
  /** When the call was made: the moment its reservation was priced at. */
  at: Date;
  metadata: { [key: string]: JsonValue };
}): Promise<CostBreakdown> {
  const { charge, route, result } = options;
  const cost = costFromUsage(route.info, result.usage, { at: options.at });
  await charge.settle(cost.total, {
    model: route.info.id,
    provider: result.provider,
    usage: result.usage,
    requestId: result.id,
    ...callRecordFields(options.options, options.metadata),
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
