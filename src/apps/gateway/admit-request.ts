/**
 * The checks every model request passes before any upstream byte is sent: the caller's key,
 * the model (configured, and allowed for the key), the output cap, and the key's rate limits.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import type { ClientCallOptions } from "../client/index.js";
import { authenticateCaller, type Caller } from "./authenticate-caller.js";
import type { ModelConfig } from "./gateway-config.js";
import type { GatewayContext } from "./gateway-context.js";
import { GatewayError } from "./gateway-failure.js";
import type { BudgetScope } from "./keys/types.js";

export interface Admitted extends Caller {
  model: ModelConfig;
  /** The budgets this request is held to (key, then team), for the current periods. */
  scopes: BudgetScope[];
  /** The tenant whose cache partition the request uses: its team, else its key. */
  tenant: string;
}

/**
 * Where a request's handler leaves its caller once the key is authenticated, so a request
 * refused after that (unknown model, rate limit, failure) is still booked to the key.
 */
export interface CallerSeen {
  caller?: Caller;
}

/**
 * Authenticates the caller (noting it in `seen`) and checks that it may use `modelName`.
 *
 * @example
 * ```ts
 * const admitted = await admitCaller(context, req.headers, request.model, seen);
 * ```
 */
export async function admitCaller(
  context: GatewayContext,
  headers: IncomingHttpHeaders,
  modelName: string,
  seen: CallerSeen = {},
): Promise<Admitted> {
  const caller = await authenticateCaller(headers, context.registry);
  seen.caller = caller;
  const model = configuredModel(context, modelName, caller);
  const scopes = context.budgetScopes(caller.key, caller.team, context.now());
  const tenant = caller.key.team !== undefined ? `team:${caller.key.team}` : `key:${caller.key.id}`;
  return { ...caller, model, scopes, tenant };
}

/** The models a caller may use, in config order. */
export function modelsAllowed(context: GatewayContext, caller: Caller): string[] {
  const configured = Object.keys(context.config.models);
  const allowed = caller.key.models;
  return allowed === undefined ? configured : configured.filter((name) => allowed.includes(name));
}

function configuredModel(context: GatewayContext, name: string, caller: Caller): ModelConfig {
  const entry = Object.hasOwn(context.config.models, name)
    ? context.config.models[name]
    : undefined;
  if (entry === undefined) {
    const allowed = modelsAllowed(context, caller);
    throw new GatewayError({
      status: 404,
      kind: "not_found",
      param: "model",
      message: `The model "${name}" is not served by this gateway. Models your key may use: ${allowed.length > 0 ? allowed.join(", ") : "none"} (GET /v1/models lists them).`,
    });
  }
  if (caller.key.models !== undefined && !caller.key.models.includes(name)) {
    throw new GatewayError({
      status: 403,
      kind: "permission",
      param: "model",
      message: `Your key "${caller.key.name}" may not use the model "${name}". Models it may use: ${modelsAllowed(context, caller).join(", ") || "none"}.`,
    });
  }
  return entry;
}

/**
 * The request as sent to the client: the configured model's reference, and the configured
 * output cap when the caller set no max tokens (the worst case reserved is then the cap, and
 * the upstream is held to it).
 *
 * @example
 * ```ts
 * const sent = upstreamRequest(context, request, admitted.model);
 * ```
 */
export function upstreamRequest(
  context: GatewayContext,
  request: ChatRequest,
  model: ModelConfig,
): ChatRequest {
  const sent: ChatRequest = { ...request, model: context.referenceOf(request.model) };
  const cap = context.config.defaults.maxOutputTokens;
  if (
    cap !== undefined &&
    sent.max_tokens === undefined &&
    sent.max_completion_tokens === undefined
  ) {
    sent.max_tokens = Math.min(cap, model.info.maxOutputTokens);
  }
  return sent;
}

/**
 * Counts the request against the key's per-minute limits, as the client call's `admission`:
 * the take runs while the call reserves its worst case (the two writes share one commit or
 * round trip), and nothing is sent before it passed. A refusal is a 429 with `retry-after`.
 * Undefined when the key has no limits.
 *
 * @example
 * ```ts
 * await client.chat(sent, { ...options, admission: rateLimitAdmission(context, admitted, worst.inputTokens + worst.outputTokens) });
 * ```
 */
export function rateLimitAdmission(
  context: GatewayContext,
  admitted: Admitted,
  tokens: number,
): Promise<void> | undefined {
  const { key } = admitted;
  if (key.rpm === undefined && key.tpm === undefined) return undefined;
  return takeRateLimit(context, admitted, tokens);
}

async function takeRateLimit(
  context: GatewayContext,
  admitted: Admitted,
  tokens: number,
): Promise<void> {
  const { key } = admitted;
  const decision = await context.rateLimiter.take(key, tokens);
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000));
  const limits = [
    key.rpm !== undefined ? `${key.rpm} requests` : undefined,
    key.tpm !== undefined ? `${key.tpm} tokens` : undefined,
  ].filter((part) => part !== undefined);
  throw new GatewayError({
    status: 429,
    kind: "rate_limited",
    message: `Rate limit reached for key "${key.name}": at most ${limits.join(" and ")} per minute (this request counts ${tokens} tokens). Retry in ${seconds} s.`,
    headers: { "retry-after": String(seconds) },
  });
}

/**
 * The client options that hold a call to the caller's budgets (key and team reserved in one
 * atomic step), partition its cache by tenant, and label its spend record.
 *
 * @example
 * ```ts
 * await client.chat(sent, { ...callOptions(admitted, { requestId, route: "chat_completions" }), signal });
 * ```
 */
export function callOptions(
  admitted: Admitted,
  labels: { requestId: string; route: string },
): ClientCallOptions {
  const metadata = {
    keyId: admitted.key.id,
    keyName: admitted.key.name,
    ...(admitted.key.team !== undefined ? { team: admitted.key.team } : {}),
    route: labels.route,
  };
  const options: ClientCallOptions = {
    tenant: admitted.tenant,
    requestId: labels.requestId,
    metadata,
  };
  if (admitted.scopes.length === 0) return { ...options, scope: `key:${admitted.key.id}` };
  return { ...options, budgets: admitted.scopes.map(({ scope, limit }) => ({ scope, limit })) };
}

/**
 * The least budget left among the caller's scopes, or undefined when it has none.
 *
 * @example
 * ```ts
 * const left = await remainingBudget(context, admitted.scopes);
 * ```
 */
export async function remainingBudget(
  context: GatewayContext,
  scopes: readonly BudgetScope[],
): Promise<Picodollars | undefined> {
  let least: Picodollars | undefined;
  for (const scope of scopes) {
    const left = await context.ledger.remaining(scope.scope, scope.limit);
    if (least === undefined || left < least) least = left;
  }
  return least;
}
