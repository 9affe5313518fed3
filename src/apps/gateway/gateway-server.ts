/**
 * The gateway's HTTP server (node:http): routes, body limits and slow-client timeouts, one
 * JSON log line, metrics and a ledger row per request, and a graceful shutdown that stops
 * accepting, lets open streams finish (up to a deadline), and flushes the request log.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toDecimalString } from "../../core/money/index.js";
import type { CallerSeen } from "./admit-request.js";
import type { Caller } from "./authenticate-caller.js";
import { anthropicMessagesFront } from "./fronts/anthropic-messages-front.js";
import { chatCompletionsFront } from "./fronts/chat-completions-front.js";
import type { ChatFront } from "./fronts/front.js";
import { responsesFront } from "./fronts/responses-front.js";
import type { GatewayContext } from "./gateway-context.js";
import { failureOf, GatewayError } from "./gateway-failure.js";
import { handleChat, type RequestOutcome } from "./handle-chat.js";
import {
  handleAdmin,
  handleCountTokens,
  handleEmbeddings,
  handleHealth,
  handleModels,
} from "./handle-other-routes.js";
import { sendJson } from "./http-response.js";
import { readJsonBody } from "./read-body.js";

export interface RunningGateway {
  /** "http://HOST:PORT" */
  url: string;
  port: number;
  server: Server;
  /**
   * Stops accepting requests, waits up to `drainMs` (default 30 s) for open requests and
   * streams to finish, flushes the request log and closes every connection.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

type Route =
  | { kind: "chat"; front: ChatFront; name: string }
  | {
      kind: "embeddings" | "models" | "count_tokens" | "healthz" | "metrics" | "admin";
      name: string;
    };

const CHAT_ROUTES: Record<string, { front: ChatFront; name: string }> = {
  "/v1/chat/completions": { front: chatCompletionsFront, name: "chat_completions" },
  "/v1/responses": { front: responsesFront, name: "responses" },
  "/v1/messages": { front: anthropicMessagesFront, name: "messages" },
};

/**
 * Listens on `host:port` (port 0: a free one) and serves the gateway.
 *
 * @example
 * ```ts
 * const gateway = await listenGateway(context, { host: "127.0.0.1", port: 4000 });
 * process.once("SIGTERM", () => void gateway.close());
 * ```
 */
export async function listenGateway(
  context: GatewayContext,
  address: { host: string; port: number },
): Promise<RunningGateway> {
  const { defaults } = context.config;
  const open = new Set<Promise<void>>();
  const drain = new AbortController();
  // Every open request listens for the drain: hundreds at once is normal, not a leak.
  setMaxListeners(0, drain.signal);
  let draining = false;
  const server = createServer(
    {
      // Slow clients: the headers must arrive in time, and the body within requestTimeoutMs
      // (checked by readJsonBody, which answers in the caller's format; this is the backstop).
      headersTimeout: defaults.requestTimeoutMs,
      requestTimeout: defaults.requestTimeoutMs + 5_000,
      connectionsCheckingInterval: Math.min(1_000, defaults.requestTimeoutMs),
      // Longer than clients keep idle sockets (undici: 4 s), so a client never reuses a socket
      // the gateway is closing at that moment (a reset request).
      keepAliveTimeout: 65_000,
    },
    (req, res) => {
      const work = serve(context, req, res, {
        draining: () => draining,
        drainSignal: drain.signal,
      });
      open.add(work);
      void work.finally(() => open.delete(work));
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue: a burst of new connections waits instead of being reset.
    server.listen({ port: address.port, host: address.host, backlog: 4096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    async close(options = {}) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.drainMs ?? 30_000);
        timer.unref();
      });
      await Promise.race([Promise.allSettled([...open]), deadline]);
      drain.abort(new Error("gateway shutting down"));
      await Promise.allSettled([...open]);
      await context.requestLog.flush();
      server.closeAllConnections();
      await closed;
    },
  };
}

function routeOf(method: string, path: string): Route | GatewayError {
  const chat = CHAT_ROUTES[path];
  const simple: Record<string, [string, Route["kind"]]> = {
    "/v1/embeddings": ["POST", "embeddings"],
    "/v1/models": ["GET", "models"],
    "/v1/messages/count_tokens": ["POST", "count_tokens"],
    "/healthz": ["GET", "healthz"],
    "/metrics": ["GET", "metrics"],
  };
  if (path === "/admin" || path.startsWith("/admin/")) return { kind: "admin", name: "admin" };
  const expected = chat !== undefined ? "POST" : simple[path]?.[0];
  if (expected === undefined) {
    return new GatewayError({
      status: 404,
      kind: "not_found",
      message: `No route ${method} ${path}. The gateway serves POST /v1/chat/completions, /v1/responses, /v1/messages, /v1/messages/count_tokens, /v1/embeddings and GET /v1/models, /healthz, /metrics.`,
    });
  }
  if (method !== expected) {
    return new GatewayError({
      status: 405,
      kind: "invalid_request",
      message: `${path} accepts ${expected}, not ${method}.`,
    });
  }
  if (chat !== undefined) return { kind: "chat", front: chat.front, name: chat.name };
  const kind = simple[path]?.[1] as Route["kind"];
  return { kind, name: kind } as Route;
}

async function serve(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  state: { draining: () => boolean; drainSignal: AbortSignal },
): Promise<void> {
  const started = performance.now();
  if (context.dashboard !== undefined && (await serveDashboard(context, req, res))) return;
  const requestId = `req_${randomUUID().replaceAll("-", "")}`;
  const method = req.method ?? "GET";
  const path = (req.url ?? "/").split("?")[0] as string;
  const route = routeOf(method, path);
  const front =
    route instanceof GatewayError || route.kind !== "chat" ? frontOfPath(path) : route.front;
  const routeName = route instanceof GatewayError ? "unknown" : route.name;
  const caller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) caller.abort(new Error("caller closed the connection"));
  };
  res.on("close", onClose);
  const onDrain = () => caller.abort(state.drainSignal.reason);
  state.drainSignal.addEventListener("abort", onDrain, { once: true });
  const seen: CallerSeen = {};
  let outcome: RequestOutcome = {
    status: 200,
    outcome: "served",
    cache: "none",
    model: "other",
    recorded: true,
  };
  try {
    if (route instanceof GatewayError) throw route;
    if (route.kind === "healthz") {
      outcome = { ...outcome, status: handleHealth(context, res, state.draining()) };
    } else if (route.kind === "metrics") {
      const text = await context.metrics.render();
      res.writeHead(200, { "content-type": context.metrics.contentType });
      res.end(text);
    } else if (state.draining()) {
      throw new GatewayError({
        status: 503,
        kind: "server",
        message: "The gateway is shutting down; retry on another replica.",
      });
    } else if (route.kind === "models") {
      await handleModels(context, req, res, requestId, seen);
      outcome = { ...outcome, recorded: false };
    } else {
      // Shared state that does not answer refuses paid requests before their body is read.
      const paid = route.kind === "chat" || route.kind === "embeddings";
      const refusal = paid ? context.refusal() : undefined;
      if (refusal !== undefined) throw refusal;
      const body = await readJsonBody(req, {
        maxBytes: context.config.defaults.maxBodyBytes,
        timeoutMs: context.config.defaults.requestTimeoutMs,
        allowEmpty: route.kind === "admin",
      });
      if (route.kind === "chat") {
        outcome = await handleChat({
          context,
          front: route.front,
          req,
          res,
          body,
          requestId,
          route: route.name,
          signal: caller.signal,
          seen,
          started,
        });
      } else if (route.kind === "embeddings") {
        outcome = await handleEmbeddings(context, req, res, body, { requestId, seen, started });
      } else if (route.kind === "count_tokens") {
        await handleCountTokens(context, req, res, body, requestId, seen);
        outcome = { ...outcome, recorded: false };
      } else {
        await handleAdmin(context, req, res, body, path);
      }
    }
  } catch (error) {
    const failure = failureOf(error);
    outcome = { ...outcome, status: failure.status, outcome: failure.kind, recorded: false };
    if (failure.status === 413 || failure.status === 408) res.setHeader("connection", "close");
    sendJson(res, failure.status, front.errorBody(failure), {
      "x-tokenwise-request-id": requestId,
      "x-tokenwise-cost": toDecimalString(0n),
      ...failure.headers,
    });
    if (failure.status === 500) {
      context.logger.log("error", "unexpected error", {
        requestId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (failure.status === 413 || failure.status === 408) res.once("finish", () => req.destroy());
  } finally {
    res.off("close", onClose);
    state.drainSignal.removeEventListener("abort", onDrain);
  }
  finish(context, {
    requestId,
    method,
    path,
    routeName,
    outcome,
    caller: seen.caller,
    seconds: (performance.now() - started) / 1000,
  });
}

/** `/dashboard/...`: true when the dashboard answered (its failures become a 500). */
async function serveDashboard(
  context: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  try {
    return (await context.dashboard?.(req, res)) === true;
  } catch (error) {
    context.logger.log("error", "dashboard failed", {
      error: error instanceof Error ? error.message : String(error),
    });
    if (!res.headersSent) sendJson(res, 500, { error: { message: "The dashboard failed." } });
    else res.destroy();
    return true;
  }
}

/** The routes whose every request of a known key is in the ledger. */
const API_ROUTES = new Set([
  "chat_completions",
  "responses",
  "messages",
  "embeddings",
  "models",
  "count_tokens",
]);

function frontOfPath(path: string): ChatFront {
  if (path.startsWith("/v1/messages")) return anthropicMessagesFront;
  if (path === "/v1/responses") return responsesFront;
  return chatCompletionsFront;
}

/** The request's log line, metrics, and (when no spend record was written) its ledger row. */
function finish(
  context: GatewayContext,
  done: {
    requestId: string;
    method: string;
    path: string;
    routeName: string;
    outcome: RequestOutcome;
    caller: Caller | undefined;
    seconds: number;
  },
): void {
  const { outcome, routeName } = done;
  if (routeName === "healthz" || routeName === "metrics") return;
  const key = outcome.admitted?.key ?? done.caller?.key;
  const team = key?.team;
  context.metrics.request({
    route: routeName,
    model: outcome.model,
    status: outcome.status,
    outcome: outcome.outcome,
    cache: outcome.cache,
    seconds: done.seconds,
  });
  if (outcome.usage !== undefined || outcome.saved !== undefined) {
    context.metrics.spend({
      model: outcome.model,
      usage: outcome.usage ?? {
        inputTokens: 0,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
      },
      cost: outcome.cost ?? 0n,
      saved: outcome.saved ?? 0n,
    });
  }
  // Every request of a known key gets a row (the client wrote it when it spent). Requests
  // without a valid key get none, so anonymous traffic cannot grow the ledger: they show in
  // the metrics and the log line only.
  if (API_ROUTES.has(routeName) && !outcome.recorded && key !== undefined) {
    context.requestLog.add({
      scope: `key:${key.id}`,
      model: outcome.model,
      provider: "gateway",
      requestId: done.requestId,
      metadata: {
        outcome: outcome.outcome,
        status: outcome.status,
        route: routeName,
        latencyMs: Math.round(done.seconds * 1000),
        firstByteMs: Math.round(done.seconds * 1000),
        cacheStatus: outcome.cache,
        keyId: key.id,
        keyName: key.name,
        ...(team !== undefined ? { team } : {}),
      },
    });
  }
  context.logger.log(outcome.status >= 500 ? "error" : "info", "request", {
    requestId: done.requestId,
    method: done.method,
    path: done.path,
    status: outcome.status,
    outcome: outcome.outcome,
    model: outcome.model,
    cache: outcome.cache,
    durationMs: Math.round(done.seconds * 1000 * 10) / 10,
    ...(key !== undefined ? { keyId: key.id } : {}),
    ...(team !== undefined ? { team } : {}),
    ...(outcome.cost !== undefined ? { cost: outcome.cost } : {}),
    ...(outcome.usage !== undefined
      ? { inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens }
      : {}),
  });
}
