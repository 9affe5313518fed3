/**
 * One chat request through any front: admitted (key, model, rate limit), sent through the
 * tokenwise client (response cache, worst case reserved on the caller's budgets, upstream call
 * with retries and fallbacks, exact cost settled in the ledger), and answered in the caller's
 * wire format, streamed or not.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChatChunk } from "../../adapters/providers/index.js";
import { costFromUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import { budgetExceededDetails, TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type Picodollars, toDecimalString } from "../../core/money/index.js";
import type { ClientCallOptions, ClientChatResult } from "../client/index.js";
import { worstCaseCost } from "../client/index.js";
import {
  type Admitted,
  admitCaller,
  type CallerSeen,
  callOptions,
  rateLimitAdmission,
  remainingBudget,
  upstreamRequest,
} from "./admit-request.js";
import type { ChatFront, StreamEncoder } from "./fronts/front.js";
import type { GatewayContext } from "./gateway-context.js";
import { failureOf, type GatewayFailure } from "./gateway-failure.js";
import { eventStreamHeaders, sendJson } from "./http-response.js";
import type { RequestFacts, TrackedRequest } from "./request-facts.js";

/** What a request came to, for its log line, metrics and ledger row. */
export interface RequestOutcome {
  status: number;
  /** served, partial, cache_hit, client_closed, upstream_failed, or the failure kind. */
  outcome: string;
  cache: "hit" | "miss" | "bypass" | "none";
  model: string;
  admitted?: Admitted;
  usage?: Usage;
  cost?: Picodollars;
  saved?: Picodollars;
  /** True when the spend record was written by the client's settle (or its cache hit). */
  recorded: boolean;
}

export interface ChatExchange {
  context: GatewayContext;
  front: ChatFront;
  req: IncomingMessage;
  res: ServerResponse;
  body: unknown;
  requestId: string;
  /** The route's name in metrics and spend records ("chat_completions", "responses", "messages"). */
  route: string;
  /** Aborted when the caller goes away or the gateway drains. */
  signal: AbortSignal;
  /** Receives the caller once its key is authenticated. */
  seen: CallerSeen;
  /** `performance.now()` when the request arrived. */
  started: number;
}

/**
 * @example
 * ```ts
 * const outcome = await handleChat({ context, front: chatCompletionsFront, req, res, body, requestId, route, signal, seen: {}, started });
 * ```
 */
export async function handleChat(exchange: ChatExchange): Promise<RequestOutcome> {
  const { context, front, req, res, requestId } = exchange;
  const since = context.facts.mark();
  let model = "other";
  let admitted: Admitted | undefined;
  try {
    const parsed = front.parse(exchange.body);
    model = parsed.request.model;
    admitted = await admitCaller(context, req.headers, parsed.request.model, exchange.seen);
    const sent = upstreamRequest(context, parsed.request, admitted.model);
    const worst = worstCaseCost({ ...sent, model: admitted.model.model }, admitted.model.info);
    const admission = rateLimitAdmission(context, admitted, worst.inputTokens + worst.outputTokens);
    const cacheHeader = req.headers["x-tokenwise-cache"];
    const bypass =
      typeof cacheHeader === "string" &&
      ["off", "no", "bypass", "false"].includes(cacheHeader.toLowerCase());
    const options: ClientCallOptions = {
      ...callOptions(admitted, { requestId, route: exchange.route }),
      fallbacks: admitted.model.fallbacks.map((name) => context.referenceOf(name)),
      signal: exchange.signal,
      ...(bypass ? { cache: false } : {}),
      ...(admission !== undefined ? { admission } : {}),
    };
    const { client } = context;
    const tracked = { started: exchange.started, bypass, signal: exchange.signal };
    const untrack = context.facts.track(requestId, tracked);
    try {
      if (parsed.stream) {
        return await relayStream({
          exchange,
          admitted,
          sent,
          options,
          model,
          bypass,
          tracked,
          since,
        });
      }
      const result = await client.chat(sent, options);
      const outcome = servedOutcome(result, admitted, model, bypass);
      const headers = await tokenwiseHeaders(context, requestId, admitted, outcome, { since });
      sendJson(res, 200, front.render(result, model), headers);
      return outcome;
    } finally {
      untrack();
    }
  } catch (error) {
    const failure = failureOf(error);
    const outcome: RequestOutcome = {
      status: failure.status,
      outcome: outcomeOfFailure(error, failure),
      cache: "none",
      model,
      recorded: spendRecorded(error),
      ...(admitted !== undefined ? { admitted } : {}),
    };
    const headers = await tokenwiseHeaders(context, requestId, admitted, outcome, { error });
    sendJson(res, failure.status, front.errorBody(failure), { ...headers, ...failure.headers });
    return outcome;
  }
}

function servedOutcome(
  result: ClientChatResult,
  admitted: Admitted,
  model: string,
  bypass: boolean,
): RequestOutcome {
  const saved = result.cached ? costFromUsage(admitted.model.info, result.usage).total : 0n;
  return {
    status: 200,
    outcome: result.cached ? "cache_hit" : result.partial ? "partial" : "served",
    cache: result.cached ? "hit" : bypass ? "bypass" : "miss",
    model,
    admitted,
    usage: result.cached ? emptyUsage() : result.usage,
    cost: result.cost.total,
    saved,
    recorded: true,
  };
}

function outcomeOfFailure(error: unknown, failure: GatewayFailure): string {
  if (TokenwiseError.hasCode(error, "aborted")) return "client_closed";
  if (failure.kind === "upstream" || failure.kind === "timeout") return "upstream_failed";
  return failure.kind;
}

/** True when the client already wrote the request's spend row (a partial charge on failure). */
function spendRecorded(error: unknown): boolean {
  return TokenwiseError.isInstance(error) && error.details.cost !== undefined;
}

/**
 * The `x-tokenwise-*` headers: the request id, what the request cost, the cache status and
 * the budget left after it. The budget left comes from the balances the ledger reported with
 * the request's own reservation or settle (or a later one) when it has them, else from a
 * read: after a failure always (a released reservation reports nothing).
 */
async function tokenwiseHeaders(
  context: GatewayContext,
  requestId: string,
  admitted: Admitted | undefined,
  outcome: RequestOutcome,
  facts: { error?: unknown; since?: number },
): Promise<Record<string, string>> {
  const { error, since } = facts;
  const headers: Record<string, string> = {
    "x-tokenwise-request-id": requestId,
    "x-tokenwise-cost": toDecimalString(outcome.cost ?? failedCost(error)),
    "x-tokenwise-cache": outcome.cache,
  };
  if (admitted !== undefined && admitted.scopes.length > 0) {
    try {
      const left =
        (error === undefined && since !== undefined
          ? context.facts.remaining(admitted.scopes, since)
          : undefined) ?? (await remainingBudget(context, admitted.scopes));
      if (left !== undefined) {
        headers["x-tokenwise-budget-remaining"] = toDecimalString(left);
        context.metrics.budgetRemaining(admitted.key.id, left);
      }
    } catch {
      // The answer matters more than the header; the ledger's failure shows in its own logs.
    }
  }
  const refused = budgetExceededDetails(error);
  if (refused !== undefined) headers["x-tokenwise-worst-case"] = toDecimalString(refused.worstCase);
  return headers;
}

function failedCost(error: unknown): Picodollars {
  if (!TokenwiseError.isInstance(error)) return 0n;
  const cost = error.details.cost as { total?: Picodollars } | undefined;
  return typeof cost?.total === "bigint" ? cost.total : 0n;
}

async function relayStream(options: {
  exchange: ChatExchange;
  admitted: Admitted;
  sent: ChatRequest;
  options: ClientCallOptions;
  model: string;
  bypass: boolean;
  tracked: TrackedRequest;
  /** The request's {@link RequestFacts.mark}. */
  since: number;
}): Promise<RequestOutcome> {
  const { exchange, admitted, sent, model, bypass } = options;
  const { context, front, res, requestId } = exchange;
  const idleMs = context.config.defaults.streamIdleTimeoutMs;
  const controller = new AbortController();
  const onCallerGone = () => controller.abort(exchange.signal.reason);
  exchange.signal.addEventListener("abort", onCallerGone, { once: true });
  const stream = context.client.streamChat(sent, {
    ...options.options,
    signal: controller.signal,
  });
  const iterator = stream[Symbol.asyncIterator]();
  let settled: ClientChatResult | undefined;
  void stream.result.then(
    (result) => {
      settled = result;
    },
    () => {},
  );
  let idle = false;
  const next = async (): Promise<IteratorResult<ChatChunk>> => {
    const timer = setTimeout(() => {
      idle = true;
      controller.abort(new Error("stream idle timeout"));
    }, idleMs);
    try {
      return await iterator.next();
    } finally {
      clearTimeout(timer);
    }
  };
  const encoder: StreamEncoder = front.encoder(model, sent);
  context.metrics.openStreams(1);
  try {
    let current: IteratorResult<ChatChunk>;
    try {
      current = await next();
    } catch (error) {
      throw idle ? stalled(idleMs, error) : error;
    }
    // The first event arrived (or the reply came from the cache): the answer is a 200 stream now.
    const headers = await tokenwiseHeaders(
      context,
      requestId,
      admitted,
      {
        status: 200,
        outcome: "served",
        cache: settled?.cached === true ? "hit" : bypass ? "bypass" : "miss",
        model,
        recorded: true,
        cost: 0n,
      },
      { since: options.since },
    );
    delete headers["x-tokenwise-cost"];
    res.writeHead(200, { ...headers, ...eventStreamHeaders(), trailer: "x-tokenwise-cost" });
    options.tracked.firstByteAt = performance.now();
    try {
      while (current.done !== true) {
        const text = encoder.chunk(current.value);
        if (text !== "") res.write(text);
        current = await next();
      }
    } catch (error) {
      const failure = idle ? failureOf(stalled(idleMs, error)) : failureOf(error);
      const gone = exchange.signal.aborted;
      if (!gone) {
        res.write(encoder.error(failure));
        res.end();
      }
      return {
        status: 200,
        outcome: gone ? "client_closed" : "upstream_failed",
        cache: "miss",
        model,
        admitted,
        ...chargedPart(error),
        recorded: true,
      };
    }
    const result = await stream.result;
    res.write(encoder.end(result));
    res.addTrailers({ "x-tokenwise-cost": toDecimalString(result.cost.total) });
    res.end();
    return servedOutcome(result, admitted, model, bypass);
  } finally {
    context.metrics.openStreams(-1);
    exchange.signal.removeEventListener("abort", onCallerGone);
  }
}

function chargedPart(error: unknown): { usage?: Usage; cost?: Picodollars } {
  if (!TokenwiseError.isInstance(error)) return {};
  const usage = error.details.usage as Usage | undefined;
  const cost = failedCost(error);
  return { ...(usage !== undefined ? { usage } : {}), cost };
}

function stalled(idleMs: number, cause: unknown): TokenwiseError {
  const charged = TokenwiseError.isInstance(cause) ? cause.details : {};
  return new TokenwiseError(
    "timeout",
    `The upstream stalled: no stream event for ${idleMs} ms, so the gateway cut the stream. What it produced before was charged.`,
    { cause, details: { ...charged, retryable: true } },
  );
}
