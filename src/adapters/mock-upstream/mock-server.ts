/**
 * A real HTTP server that speaks the OpenAI (Chat Completions and Responses), Anthropic and
 * Gemini wire formats on the same paths as the real APIs, with deterministic replies (see
 * `mock-reply.ts`), predictable usage (see `mock-tokens.ts`) and scriptable failures, for
 * tests and local demos without keys.
 *
 * This file holds the server's state and the order in which a request is handled; the URL
 * table is `mock-routes.ts`, the key checks `mock-auth.ts`, each API's reading and framing its
 * `*-handlers.ts`, and the injected failures `mock-faults.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isRecord } from "./json.js";
import { checkAuth } from "./mock-auth.js";
import { defaultMockBehavior, validateMockBehavior } from "./mock-behavior.js";
import { MockRequestError } from "./mock-conversation.js";
import { defaultErrorMessage, nextStep, sendWithStep, streamWithFaults } from "./mock-faults.js";
import { delay, parseJson, readBody, sendJson } from "./mock-http.js";
import { countConversationTokens, planReply } from "./mock-reply.js";
import { routeOf } from "./mock-routes.js";
import { createPromptCache, presentedApiKey } from "./prompt-cache.js";
import { redactHeaders, redactQuery } from "./redact.js";
import { createSeededRandom } from "./seeded-random.js";
import type { MockBehavior, MockUpstream, MockUpstreamOptions, RecordedRequest } from "./types.js";

/**
 * Starts the mock on 127.0.0.1 (port 0 = a free port).
 *
 * @example
 * ```ts
 * const mock = await startMockUpstream({ apiKeys: { openai: "test-key" } });
 * const openai = createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "test-key" });
 * mock.setBehavior({ script: [{ type: "error", status: 429, headers: { "retry-after": "1" } }] });
 * await mock.close();
 * ```
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const { port = 0, host = "127.0.0.1", promptCaching, ...behaviorOptions } = options;
  validateMockBehavior(behaviorOptions);
  const behavior: MockBehavior = { ...defaultMockBehavior(), ...behaviorOptions };
  behavior.script = [...behavior.script];
  let random = createSeededRandom(behavior.seed);
  const promptCache =
    promptCaching === undefined || promptCaching === false
      ? undefined
      : createPromptCache(promptCaching === true ? {} : promptCaching);
  const requests: RecordedRequest[] = [];
  let requestCount = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://mock.invalid");
    const bodyText = await readBody(request);
    const body = parseJson(bodyText);
    const route = routeOf(request.method ?? "GET", url.pathname);
    const streaming =
      route?.endpoint.operation === "chat" &&
      (route.endpoint.alwaysStreams || (isRecord(body) && body.stream === true));
    requests.push({
      provider: route?.provider ?? "unknown",
      operation: route === undefined ? "unknown" : streaming ? "stream" : route.endpoint.operation,
      method: request.method ?? "GET",
      path: url.pathname,
      query: redactQuery(url.searchParams),
      headers: redactHeaders(request.headers),
      body: body ?? bodyText,
    });
    if (route === undefined) {
      sendJson(response, 404, {
        error: { message: `No mock route for ${request.method} ${url.pathname}` },
      });
      return;
    }
    const { endpoint } = route;
    const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
      sendJson(response, status, route.errors.errorBody(status, message), headers);

    const authProblem = checkAuth(
      route.provider,
      request.headers,
      url.searchParams,
      behavior.apiKeys,
    );
    if (authProblem !== undefined) {
      fail(authProblem.status, authProblem.message);
      return;
    }
    // The script belongs to requests in arrival order, so the step is taken before the
    // latency: a slow request whose client gave up must not eat a later request's step.
    const step = nextStep(behavior, random);
    if (behavior.latencyMs > 0) await delay(behavior.latencyMs);
    if (response.destroyed || request.socket.destroyed) return;
    if (!isRecord(body)) {
      fail(400, "The request body must be a JSON object.");
      return;
    }
    const urlProblem = endpoint.operation === "chat" ? endpoint.urlProblem?.(url) : undefined;
    if (urlProblem !== undefined) {
      fail(400, urlProblem);
      return;
    }
    if (step?.type === "error") {
      fail(step.status, step.message ?? defaultErrorMessage(step.status), step.headers);
      return;
    }
    if (step?.type === "drop") {
      request.socket.destroy();
      return;
    }
    requestCount++;
    try {
      if (endpoint.operation === "embeddings") {
        await sendWithStep(response, 200, endpoint.embeddingsBody(body, behavior), step);
        return;
      }
      const conversation = endpoint.conversation(body);
      const inputTokens = countConversationTokens(conversation);
      if (endpoint.operation === "count_tokens") {
        await sendWithStep(response, 200, endpoint.countBody(inputTokens), step);
        return;
      }
      if (behavior.maxInputTokens !== undefined && inputTokens > behavior.maxInputTokens) {
        sendJson(
          response,
          400,
          route.errors.contextErrorBody(inputTokens, behavior.maxInputTokens),
        );
        return;
      }
      const reply = planReply(conversation, behavior, step?.type === "reply" ? step : {});
      if (promptCache && behavior.cachedInputTokens === 0 && behavior.cacheWriteTokens === 0) {
        Object.assign(
          reply.usage,
          promptCache.observe({
            provider: route.provider,
            apiKey: presentedApiKey(route.provider, request.headers, url.searchParams),
            model: conversation.model,
            body,
            inputTokens,
          }),
        );
      }
      const context = { model: conversation.model, requestNumber: requestCount };
      if (!streaming) {
        await sendWithStep(response, 200, endpoint.replyBody(reply, context), step);
        return;
      }
      await streamWithFaults(response, {
        frames: endpoint.streamFrames(reply, context, body),
        streamErrorFrame: endpoint.streamErrorFrame,
        step,
        behavior,
      });
    } catch (error) {
      if (!(error instanceof MockRequestError)) throw error;
      fail(400, error.message);
    }
  };

  const server = createServer((request, response) => {
    response.on("error", () => undefined);
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendJson(response, 500, { error: { message: `Mock failure: ${String(error)}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    setBehavior(update) {
      validateMockBehavior(update);
      Object.assign(behavior, update);
      if (update.script !== undefined) behavior.script = [...update.script];
      if (update.seed !== undefined) random = createSeededRandom(update.seed);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
