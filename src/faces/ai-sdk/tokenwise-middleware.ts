import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import { createMemoryLedger, type JsonValue, type Ledger } from "../../adapters/ledger/index.js";
import type { BudgetOptions } from "../../apps/client/index.js";
import {
  type Charge,
  followSignal,
  openCharge,
  parseLimit,
  raceWithSignal,
  type WorstCase,
  worstCaseCost,
} from "../../apps/client/index.js";
import type { ModelInfo } from "../../core/catalog/index.js";
import { type Catalog, defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import { countingRequest } from "./prompt-messages.js";
import { type AiSdkCacheOptions, createAiSdkCache } from "./result-cache.js";
import { createStreamCollector, replayStream } from "./stream-parts.js";
import { usageFromAiSdk } from "./usage-from-ai-sdk.js";

export interface TokenwiseMiddlewareOptions {
  /** Where the model is looked up and priced (default `defaultCatalog`). */
  catalog?: Catalog;
  /** Where every call is recorded with its exact cost (default: a new in-memory ledger). */
  ledger?: Ledger;
  /** A hard budget each call reserves its worst case against before it is sent. */
  budget?: BudgetOptions;
  /** Serves and stores responses of deterministic (temperature 0) calls. */
  cache?: AiSdkCacheOptions;
  /** The catalog model to price calls with (default: the wrapped model's `modelId`). */
  model?: string;
}

/** The middleware, with the ledger it records into. */
export type TokenwiseMiddleware = LanguageModelV3Middleware & { readonly ledger: Ledger };

const DEFAULT_RESERVATION_TTL_MS = 10 * 60 * 1000;

/**
 * Vercel AI SDK v6 middleware that puts tokenwise's cost control around a language model:
 * before each call the worst case (prompt counted with the model's tokenizer + maxOutputTokens,
 * or the model's maximum) is reserved against the budget, and a call that does not fit throws
 * `budget_exceeded` without reaching the model; afterwards the SDK's usage is converted and
 * its exact cost settled in the ledger; deterministic calls are answered from the cache at $0
 * (as a stream, for `streamText`). A stream the caller stops early is charged for what arrived.
 *
 * The reservation is a lease renewed while the call runs. If it is lost (a stall longer than
 * `budget.reservationTtlMs`) and the budget has no room left to reserve the call again, the
 * model call is aborted (its `abortSignal`, and the middleware stops waiting for it even if the
 * model ignores that) with a `budget_exceeded` error (`details.reason: "lease_lost"`): a
 * stream is charged for what arrived, a generate call that returned nothing is charged nothing.
 *
 * @example
 * ```ts
 * import { generateText, wrapLanguageModel } from "ai";
 * import { openai } from "@ai-sdk/openai";
 * import { tokenwiseMiddleware } from "tokenwise/ai-sdk";
 *
 * const middleware = tokenwiseMiddleware({
 *   budget: { scope: "team-a", limit: "5.00" },
 *   cache: { store: createSqliteStore({ path: "cache.db" }), namespace: "team-a" },
 * });
 * const model = wrapLanguageModel({ model: openai("gpt-4o-mini"), middleware });
 * const { text } = await generateText({ model, prompt: "Name three primes.", temperature: 0 });
 * console.log(text, formatUsd(await middleware.ledger.spent("team-a")));
 * ```
 */
export function tokenwiseMiddleware(options: TokenwiseMiddlewareOptions = {}): TokenwiseMiddleware {
  if (typeof options !== "object" || options === null) {
    throw invalidInput("options", 'must be an object such as { budget: { limit: "5.00" } }');
  }
  const catalog = options.catalog ?? defaultCatalog;
  if (options.model !== undefined) catalog.get(options.model);
  const ledger = options.ledger ?? createMemoryLedger();
  const limit =
    options.budget === undefined ? undefined : parseLimit(options.budget.limit, "budget.limit");
  const scope = options.budget?.scope ?? "default";
  const reservationTtlMs = options.budget?.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  const cache = options.cache === undefined ? undefined : createAiSdkCache(options.cache);

  const prepare = (params: LanguageModelV3CallOptions, model: LanguageModelV3) => {
    const info = catalog.get(options.model ?? model.modelId);
    // The reservation and the settle price at the same moment, the call's start, so a call
    // that runs across a price change never settles above what it reserved.
    const pricing = { at: new Date() };
    const worstCase = worstCaseCost(countingRequest(params, info.id), info, pricing);
    return { info, worstCase, pricing, key: cache?.keyFor(params, model) };
  };
  const charge = (worstCase: WorstCase) =>
    openCharge({ ledger, scope, limit, worstCase, reservationTtlMs });
  const recordHit = async (info: ModelInfo, model: LanguageModelV3, requestId?: string) => {
    await ledger.record({
      scope,
      model: info.id,
      provider: model.provider,
      usage: emptyUsage(),
      cost: 0n,
      cached: true,
      ...(requestId === undefined ? {} : { requestId }),
      metadata: { source: "ai-sdk" },
    });
  };

  return {
    specificationVersion: "v3",
    ledger,
    async wrapGenerate({ doGenerate, params, model }) {
      const { info, worstCase, pricing, key } = prepare(params, model);
      if (key !== undefined) {
        const hit = await cache?.get(key);
        if (hit !== undefined) {
          await recordHit(info, model, hit.response?.id);
          return hit;
        }
      }
      const held = await charge(worstCase);
      let result: Awaited<ReturnType<typeof doGenerate>>;
      try {
        // doGenerate() is model.doGenerate(params); called here with the lease's signal joined in.
        const generating = Promise.resolve().then(() =>
          model.doGenerate({ ...params, abortSignal: leaseSignal(params, held) }),
        );
        result = await raceWithSignal(generating, held.signal);
      } catch (error) {
        await held.release().catch(() => {});
        throw held.signal.aborted ? held.signal.reason : error;
      }
      const reported = usageFromAiSdk(result.usage);
      const usage =
        reported ??
        localUsage({ info, inputTokens: worstCase.inputTokens, text: textOf(result.content) });
      await held.settle(costFromUsage(info, usage, pricing).total, {
        model: info.id,
        provider: model.provider,
        usage,
        ...(result.response?.id === undefined ? {} : { requestId: result.response.id }),
        metadata:
          reported === undefined
            ? { source: "ai-sdk", usageCountedLocally: true }
            : { source: "ai-sdk" },
      });
      if (key !== undefined) await cache?.set(key, result);
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const { info, worstCase, pricing, key } = prepare(params, model);
      if (key !== undefined) {
        const hit = await cache?.get(key);
        if (hit !== undefined) {
          await recordHit(info, model, hit.response?.id);
          return { stream: replayStream(hit) };
        }
      }
      const held = await charge(worstCase);
      let source: Awaited<ReturnType<typeof doStream>>;
      // doStream() is model.doStream(params); called here with the lease's signal joined in.
      const opening = Promise.resolve().then(() =>
        model.doStream({ ...params, abortSignal: leaseSignal(params, held) }),
      );
      try {
        source = await raceWithSignal(opening, held.signal);
      } catch (error) {
        await held.release().catch(() => {});
        if (!held.signal.aborted) throw error;
        // A model that ignored the signal may still open its stream: nobody will read it.
        opening.then(
          (late) => late.stream.cancel(held.signal.reason).catch(() => {}),
          () => {},
        );
        throw held.signal.reason;
      }
      const collector = createStreamCollector();
      const reader = source.stream.getReader();
      let settled = false;
      // A lost lease stops the model's stream at once, whether or not a read is waiting.
      const stopFollowing = followSignal(held.signal, () => {
        reader.cancel(held.signal.reason).catch(() => {});
      });

      const settle = async (outcome: "finished" | "stopped" | "failed") => {
        if (settled) return;
        settled = true;
        stopFollowing();
        const reported = usageFromAiSdk(collector.finish?.usage);
        const received = collector.receivedText();
        if (outcome === "failed" && reported === undefined && received === "") {
          await held.release().catch(() => {});
          return;
        }
        const complete = outcome === "finished" && reported !== undefined;
        const local = localUsage({ info, inputTokens: worstCase.inputTokens, text: received });
        const usage = complete ? reported : atLeast(reported, local);
        const metadata: { [key: string]: JsonValue } = complete
          ? { source: "ai-sdk" }
          : outcome === "finished"
            ? { source: "ai-sdk", usageCountedLocally: true }
            : { source: "ai-sdk", partial: true };
        await held.settle(costFromUsage(info, usage, pricing).total, {
          model: info.id,
          provider: model.provider,
          usage,
          metadata,
        });
        const result = collector.result();
        if (
          outcome === "finished" &&
          !collector.failed &&
          key !== undefined &&
          result !== undefined
        ) {
          await cache?.set(key, result);
        }
      };

      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          let next: Awaited<ReturnType<typeof reader.read>>;
          try {
            next = await raceWithSignal(reader.read(), held.signal);
          } catch (error) {
            await settle(held.signal.aborted ? "stopped" : "failed");
            controller.error(held.signal.aborted ? held.signal.reason : error);
            return;
          }
          if (held.signal.aborted) {
            // The lease was lost while this part was on its way: it is charged, not delivered.
            if (!next.done) collector.observe(next.value);
            await settle("stopped");
            controller.error(held.signal.reason);
            return;
          }
          if (next.done) {
            await settle(collector.finish === undefined ? "stopped" : "finished");
            controller.close();
            return;
          }
          collector.observe(next.value);
          controller.enqueue(next.value);
        },
        async cancel(reason) {
          await settle("stopped");
          await reader.cancel(reason);
        },
      });
      return { ...source, stream };
    },
  };
}

/**
 * The signal the model call gets: the caller's `abortSignal` joined with the charge's, which
 * aborts when the lease is lost with no budget left to reserve again.
 */
function leaseSignal(params: LanguageModelV3CallOptions, held: Charge): AbortSignal {
  const caller = params.abortSignal;
  return caller === undefined ? held.signal : AbortSignal.any([caller, held.signal]);
}

/** Usage counted locally: the prompt's tokens and the tokens of the text that came back. */
function localUsage(options: { info: ModelInfo; inputTokens: number; text: string }): Usage {
  const outputTokens =
    options.text === "" ? 0 : countTextTokens(options.text, options.info.tokenizer).tokens;
  return { ...emptyUsage(), inputTokens: options.inputTokens, outputTokens };
}

/** The reported usage raised to the local counts (running totals lag behind what was sent). */
function atLeast(reported: Usage | undefined, local: Usage): Usage {
  if (reported === undefined) return local;
  return {
    ...reported,
    inputTokens: Math.max(reported.inputTokens, local.inputTokens),
    outputTokens: Math.max(reported.outputTokens, local.outputTokens),
  };
}

function textOf(content: LanguageModelV3Content[]): string {
  return content
    .map((part) => {
      if (part.type === "text" || part.type === "reasoning") return part.text;
      if (part.type === "tool-call") return part.toolName + part.input;
      return "";
    })
    .join("");
}
