/**
 * The gateway's routes besides chat: embeddings, the model list, Anthropic token counting,
 * and the admin API mount.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { invalidInput } from "../../core/errors/index.js";
import { toDecimalString } from "../../core/money/index.js";
import {
  admitCaller,
  type CallerSeen,
  callOptions,
  modelsAllowed,
  rateLimitAdmission,
  upstreamRequest,
} from "./admit-request.js";
import { authenticateCaller } from "./authenticate-caller.js";
import { parseAnthropicMessagesBody } from "./fronts/anthropic-messages-front.js";
import { arrayAt, objectAt, optionalNumberAt, stringAt } from "./fronts/body-fields.js";
import type { GatewayContext } from "./gateway-context.js";
import type { RequestOutcome } from "./handle-chat.js";
import { sendJson } from "./http-response.js";

/**
 * `POST /v1/embeddings` (OpenAI format), through the client's embedding cache and budget.
 *
 * @example
 * ```ts
 * await handleEmbeddings(context, req, res, body, { requestId, seen, started: performance.now() });
 * ```
 */
export async function handleEmbeddings(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  request: { requestId: string; seen: CallerSeen; started: number },
): Promise<RequestOutcome> {
  const { requestId, seen } = request;
  const root = objectAt(body, "body");
  const model = stringAt(root.model, "model", "text-embedding-3-small");
  const input =
    typeof root.input === "string"
      ? root.input
      : arrayAt(root.input, "input", "strings").map((item, index) => {
          if (typeof item !== "string")
            throw invalidInput(
              `input[${index}]`,
              "must be a string (token arrays are not supported)",
            );
          return item;
        });
  if (Array.isArray(input) && input.length === 0)
    throw invalidInput("input", "must hold at least one string");
  const dimensions = optionalNumberAt(root.dimensions, "dimensions", { min: 1, integer: true });
  const admitted = await admitCaller(context, req.headers, model, seen);
  if (admitted.model.info.mode !== "embedding") {
    throw invalidInput(
      "model",
      `"${model}" is a chat model; use an embedding model such as text-embedding-3-small`,
    );
  }
  const texts = typeof input === "string" ? [input] : input;
  const roughTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  const admission = rateLimitAdmission(context, admitted, roughTokens);
  const untrack = context.facts.track(requestId, { started: request.started, bypass: false });
  const result = await context.client
    .embed(
      {
        model: context.referenceOf(model),
        input,
        ...(dimensions !== undefined ? { dimensions } : {}),
      },
      {
        ...callOptions(admitted, { requestId, route: "embeddings" }),
        ...(admission !== undefined ? { admission } : {}),
      },
    )
    .finally(untrack);
  sendJson(
    res,
    200,
    {
      object: "list",
      data: result.vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: Array.from(vector),
      })),
      model,
      usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
    },
    {
      "x-tokenwise-request-id": requestId,
      "x-tokenwise-cost": toDecimalString(result.cost.total),
      "x-tokenwise-cache": result.misses === 0 ? "hit" : result.hits > 0 ? "partial" : "miss",
    },
  );
  return {
    status: 200,
    outcome: "served",
    cache: result.misses === 0 ? "hit" : "miss",
    model,
    admitted,
    cost: result.cost.total,
    recorded: true,
  };
}

/**
 * `GET /v1/models`: the configured models the caller's key may use, in OpenAI's list format.
 *
 * @example
 * ```ts
 * await handleModels(context, req, res, requestId, seen);
 * ```
 */
export async function handleModels(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  seen: CallerSeen,
): Promise<void> {
  const caller = await authenticateCaller(req.headers, context.registry);
  seen.caller = caller;
  const data = modelsAllowed(context, caller).map((name) => ({
    id: name,
    object: "model",
    created: 0,
    owned_by: context.config.models[name]?.upstream ?? "tokenwise",
  }));
  sendJson(res, 200, { object: "list", data }, { "x-tokenwise-request-id": requestId });
}

/**
 * `POST /v1/messages/count_tokens` (Anthropic format): the upstream's own count where it has
 * one, else the model's tokenizer. Costs nothing and is not rate limited by tokens.
 *
 * @example
 * ```ts
 * await handleCountTokens(context, req, res, body, requestId, seen);
 * ```
 */
export async function handleCountTokens(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  requestId: string,
  seen: CallerSeen,
): Promise<void> {
  const { request } = parseAnthropicMessagesBody(body, { requireMaxTokens: false });
  const admitted = await admitCaller(context, req.headers, request.model, seen);
  const sent = upstreamRequest(context, request, admitted.model);
  const count = await context.client.countTokens(sent);
  sendJson(
    res,
    200,
    { input_tokens: count.tokens },
    { "x-tokenwise-request-id": requestId, "x-tokenwise-cost": toDecimalString(0n) },
  );
}

/**
 * Hands `/admin/...` to the keys module's admin API, or 404 when none is mounted.
 *
 * @example
 * ```ts
 * await handleAdmin(context, req, res, body, "/admin/keys");
 * ```
 */
export async function handleAdmin(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  path: string,
): Promise<void> {
  if (context.adminApi === undefined) {
    sendJson(res, 404, {
      error: { message: "No admin API is mounted on this gateway.", type: "not_found_error" },
    });
    return;
  }
  const answer = await context.adminApi({
    method: req.method ?? "GET",
    path,
    headers: req.headers,
    body,
  });
  sendJson(res, answer.status, answer.body, answer.headers ?? {});
}

/**
 * `GET /healthz`: 200 while the gateway serves paid requests (`ok`, or `degraded` when an
 * engine is down but requests are still served), 503 while it refuses them (`unavailable`) or
 * shuts down (`draining`); the body says which engine is down and what is waiting. Returns the
 * status sent.
 *
 * @example
 * ```ts
 * handleHealth(context, res, false); // 200 {"status":"ok","engine":"embedded","problems":[]}
 * ```
 */
export function handleHealth(
  context: GatewayContext,
  res: ServerResponse,
  draining: boolean,
): number {
  const health = context.health();
  const status = draining || health.status === "unavailable" ? 503 : 200;
  sendJson(res, status, { ...health, status: draining ? "draining" : health.status });
  return status;
}
