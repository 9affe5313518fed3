import type { ChatRequest } from "../../core/messages/index.js";
import { writeCache } from "./cache-hit.js";
import {
  cachedReply,
  holdAdmission,
  prepareChat,
  servedResult,
  settleServed,
  tryRoutes,
} from "./chat-pipeline.js";
import type { ClientContext } from "./client-context.js";
import type { ClientCallOptions, ClientChatResult } from "./client-types.js";
import { withRetry } from "./retry.js";

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
  holdAdmission(options);
  const prepared = prepareChat(context, request, options);
  const cached = await cachedReply(context, prepared);
  if (cached !== undefined) return cached;

  let attempts = 0;
  const served = await tryRoutes({
    context,
    request,
    prepared,
    attempt: async ({ route, charge, policy }) => {
      const sent: ChatRequest = { ...request, model: route.model };
      const result = await withRetry(({ signal }) => {
        attempts += 1;
        return route.provider().chat(sent, context.providerOptionsFor(options, signal));
      }, policy);
      const cost = await settleServed({
        charge,
        route,
        result,
        options,
        at: prepared.pricedAt,
        metadata: { reference: route.reference },
      });
      return { result, cost, route };
    },
  });

  if (prepared.cache !== undefined) await writeCache(prepared.cache, prepared.keyed, served.result);
  return servedResult({ ...served, attempts, partial: false });
}
