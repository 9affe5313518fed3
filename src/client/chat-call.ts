import { costFromUsage } from "../cost/cost-from-usage.js";
import { invalidInput } from "../errors/index.js";
import type { ChatRequest } from "../messages/types.js";
import { openCharge } from "./budget-guard.js";
import { cacheKeyRequest, readCache, recordCacheHit, writeCache } from "./cache-hit.js";
import type { ClientContext } from "./client-context.js";
import type { ClientCallOptions, ClientChatResult } from "./client-types.js";
import { withFallback } from "./fallback.js";
import { contextFitOptions, fallbackCandidates } from "./fallback-candidates.js";
import { endFailedCharge, reportedUsage } from "./partial-usage.js";
import { withRetry } from "./retry.js";
import { worstCaseCost } from "./worst-case-cost.js";

/**
 * One chat call through the whole pipeline: models checked against the catalog, the response
 * cache read, the worst case reserved against the budget, the provider called with retries and
 * fallbacks, the exact cost settled in the ledger and the reply cached.
 *
 * @example
 * ```ts
 * const result = await runChat(context, { model: "gpt-4o-mini", messages, temperature: 0 }, {});
 * ```
 */
export async function runChat(
  context: ClientContext,
  request: ChatRequest,
  options: ClientCallOptions,
): Promise<ClientChatResult> {
  assertChatRequest(request);
  const routes = context.candidatesFor(request.model, options);
  const [primary] = routes as [(typeof routes)[number]];
  const { scope, limit } = context.budgetFor(options);
  const cache = options.cache === false ? undefined : context.responseCache;
  const keyed = cacheKeyRequest(request, primary);
  if (cache !== undefined) {
    const hit = await readCache(cache, keyed);
    if (hit !== undefined) {
      return recordCacheHit({ ledger: context.ledger, hit, primary, scope });
    }
  }

  const worstCases = routes.map((route) =>
    worstCaseCost({ ...request, model: route.model }, route.info),
  );
  const policy = context.retryPolicyFor(options);
  let attempts = 0;
  const served = await withFallback(
    fallbackCandidates(routes),
    async (_candidate, { index }) => {
      const route = routes[index] as (typeof routes)[number];
      const worstCase = worstCases[index] as (typeof worstCases)[number];
      const charge = await openCharge({
        ledger: context.ledger,
        scope,
        limit,
        worstCase,
        reservationTtlMs: context.reservationTtlMs,
      });
      const sent: ChatRequest = { ...request, model: route.model };
      try {
        const result = await withRetry(({ signal }) => {
          attempts += 1;
          return route.provider().chat(sent, { headers: options.headers, signal });
        }, policy);
        const cost = costFromUsage(route.info, result.usage);
        await charge.settle(cost.total, {
          model: route.info.id,
          provider: result.provider,
          usage: result.usage,
          requestId: result.id,
          metadata: { reference: route.reference },
        });
        return { result, cost, route };
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
    contextFitOptions(routes, request, (worstCases[0] as (typeof worstCases)[number]).inputTokens),
  );

  if (cache !== undefined) await writeCache(cache, keyed, served.result);
  return {
    ...served.result,
    cost: served.cost,
    cached: false,
    attempts,
    modelUsed: served.route.reference,
    partial: false,
  };
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
