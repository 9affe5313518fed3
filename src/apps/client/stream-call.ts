import { randomUUID } from "node:crypto";
import type { ChatChunk, ChatResult } from "../../adapters/providers/index.js";
import { assembleChatChunks } from "../../adapters/providers/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { writeCache } from "./cache-hit.js";
import {
  cachedReply,
  callRecordFields,
  holdAdmission,
  prepareChat,
  type RouteAttempt,
  routeError,
  servedResult,
  settleServed,
  tryRoutes,
} from "./chat-pipeline.js";
import type { ClientContext } from "./client-context.js";
import type { ClientCallOptions, ClientChatResult, ClientChatStream } from "./client-types.js";
import type { ModelRoute } from "./model-router.js";
import { endFailedCharge, reportedUsage, streamUsage } from "./partial-usage.js";
import { replayChunks } from "./replay-chunks.js";
import { withStreamRetry } from "./stream-retry.js";

/** A stream that delivered its first chunk, with the charge it runs under. */
interface OpenedStream extends RouteAttempt {
  iterator: AsyncIterator<ChatChunk>;
  first: IteratorResult<ChatChunk>;
}

interface Settlement {
  resolve(result: ClientChatResult): void;
  reject(error: unknown): void;
}

/**
 * A streamed chat call through the pipeline. A cache hit is replayed as chunks. Otherwise the
 * worst case is reserved, the stream is opened with retries and fallbacks (both only before
 * the first chunk), relayed, and settled at its exact cost when it ends; when the caller stops
 * early or the stream breaks, the part that arrived is charged (provider-reported usage where
 * known, else counted locally).
 *
 * @example
 * ```ts
 * const stream = runStreamChat(context, { model: "gpt-4o-mini", messages }, {});
 * for await (const chunk of stream) process.stdout.write(chunk.text ?? "");
 * const { usage, cost } = await stream.result;
 * ```
 */
export function runStreamChat(
  context: ClientContext,
  request: ChatRequest,
  options: ClientCallOptions,
): ClientChatStream {
  holdAdmission(options);
  let settlement: Settlement | undefined;
  const result = new Promise<ClientChatResult>((resolve, reject) => {
    settlement = { resolve, reject };
  });
  // The caller may only iterate; its rejection is still delivered to whoever awaits it.
  result.catch(() => {});
  const settle = settlement as Settlement;

  async function* run(): AsyncGenerator<ChatChunk, void, undefined> {
    try {
      yield* streamThroughPipeline(context, request, options, settle);
    } catch (error) {
      settle.reject(error);
      throw error;
    }
  }
  const chunks = run();
  let started = false;
  return {
    [Symbol.asyncIterator]() {
      started = true;
      return chunks;
    },
    get result() {
      // Reading only the result still runs the call: drain the stream unless iteration begins.
      setImmediate(() => {
        if (started) return;
        started = true;
        void drain(chunks);
      });
      return result;
    },
  };
}

async function drain(chunks: AsyncIterable<ChatChunk>): Promise<void> {
  try {
    for await (const _chunk of chunks);
  } catch {
    // Delivered through `result`.
  }
}

async function* streamThroughPipeline(
  context: ClientContext,
  request: ChatRequest,
  options: ClientCallOptions,
  settle: Settlement,
): AsyncGenerator<ChatChunk, void, undefined> {
  const prepared = prepareChat(context, request, options);
  const cached = await cachedReply(context, prepared);
  if (cached !== undefined) {
    settle.resolve(cached);
    yield* replayChunks(cached);
    return;
  }

  let attempts = 0;
  const opened = await tryRoutes({
    context,
    request,
    prepared,
    attempt: async ({ route, worstCase, charge, policy }): Promise<OpenedStream> => {
      const sent: ChatRequest = { ...request, model: route.model, stream: true };
      const iterator = withStreamRetry(({ signal }) => {
        attempts += 1;
        return route.provider().streamChat(sent, context.providerOptionsFor(options, signal));
      }, policy);
      return { route, worstCase, charge, policy, iterator, first: await iterator.next() };
    },
  });

  const { route, worstCase, charge, iterator } = opened;
  const received: ChatChunk[] = [];
  let outcome: "finished" | "failed" | "stopped" = "stopped";
  let failure: unknown;
  try {
    let current = opened.first;
    while (current.done !== true) {
      received.push(current.value);
      yield current.value;
      current = await iterator.next();
    }
    outcome = "finished";
  } catch (error) {
    outcome = "failed";
    failure = routeError(error, charge);
    throw failure;
  } finally {
    if (outcome === "stopped") await iterator.return?.();
    const reported = assembleChatChunks(received).usage;
    const metadata = { reference: route.reference };
    if (outcome === "failed") {
      await endFailedCharge({
        charge,
        error: failure,
        model: route.info,
        provider: route.providerName,
        usage: streamUsage({
          model: route.info,
          inputTokens: worstCase.inputTokens,
          chunks: received,
          reported: reportedUsage(failure) ?? reported,
        }),
        at: prepared.pricedAt,
        ...callRecordFields(options, metadata),
      });
    } else {
      const complete = outcome === "finished" && reported !== undefined;
      const usage = complete
        ? reported
        : streamUsage({
            model: route.info,
            inputTokens: worstCase.inputTokens,
            chunks: received,
            reported,
          });
      const chatResult = assembleResult({
        chunks: received,
        route,
        usage,
        stopped: outcome === "stopped",
      });
      const cost = await settleServed({
        charge,
        route,
        result: chatResult,
        options,
        at: prepared.pricedAt,
        metadata:
          outcome === "stopped"
            ? { ...metadata, partial: true }
            : complete
              ? metadata
              : { ...metadata, usageCountedLocally: true },
      });
      if (outcome === "finished" && prepared.cache !== undefined) {
        await writeCache(prepared.cache, prepared.keyed, chatResult);
      }
      settle.resolve(
        servedResult({ result: chatResult, cost, route, attempts, partial: outcome === "stopped" }),
      );
    }
  }
}

function assembleResult(options: {
  chunks: readonly ChatChunk[];
  route: ModelRoute;
  usage: ChatResult["usage"];
  stopped: boolean;
}): ChatResult {
  const reply = assembleChatChunks(options.chunks);
  const message: ChatResult["message"] = { role: "assistant", content: reply.content };
  if (reply.toolCalls.length > 0) message.tool_calls = reply.toolCalls;
  return {
    id: reply.id ?? `tokenwise-stream-${randomUUID()}`,
    model: reply.model ?? options.route.model,
    provider: options.route.provider().name,
    message,
    finishReason: options.stopped ? "other" : (reply.finishReason ?? "other"),
    usage: options.usage,
  };
}
