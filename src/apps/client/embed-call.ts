import { createEmbeddingCache } from "../../adapters/cache/index.js";
import type { JsonValue } from "../../adapters/ledger/index.js";
import type { ChatProvider } from "../../adapters/providers/index.js";
import { costFromUsage, emptyUsage } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import { toDecimalString } from "../../core/money/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import { openAdmittedCharge } from "./budget-guard.js";
import { callRecordFields, holdAdmission, routeError, routePolicy } from "./chat-pipeline.js";
import type { ClientContext } from "./client-context.js";
import type { ClientCallOptions, ClientEmbedRequest, ClientEmbedResult } from "./client-types.js";
import { withRetry } from "./retry.js";

/** Most inputs per embeddings request, by provider (OpenAI allows 2048; Gemini's batch 100). */
const MAX_BATCH_INPUTS: Record<string, number> = { gemini: 100 };
const DEFAULT_MAX_BATCH_INPUTS = 2048;

/**
 * Embeds texts: with the embedding cache, only texts it lacks go to the provider (once each,
 * in provider-sized batches); the worst case (every input counted) is reserved against the
 * budget and the exact cost of what was sent is settled in the ledger. When the cache answered
 * any input, the record also carries `metadata.savedCost` (what those inputs would have cost:
 * their tokens, counted with the model's tokenizer, at its input price) and
 * `metadata.cachedInputs` (how many), so spend reports and `tokenwise savings` count them.
 * The reservation, the settle and the saving all price at the prices in force when the call
 * was made (the client's clock), so a call across a price change never settles above what it
 * reserved.
 *
 * @example
 * ```ts
 * const { vectors, hits, misses, cost } = await runEmbed(context, { model: "text-embedding-3-small", input: ["a", "b"] }, {});
 * ```
 */
export async function runEmbed(
  context: ClientContext,
  request: ClientEmbedRequest,
  options: ClientCallOptions,
): Promise<ClientEmbedResult> {
  holdAdmission(options);
  const texts = readInput(request);
  const route = context.router.route(request?.model, "request.model");
  if (route.info.mode !== "embedding") {
    throw invalidInput(
      "request.model",
      `names ${route.info.id}, a ${route.info.mode} model; use an embedding model such as "text-embedding-3-small"`,
    );
  }
  const provider = route.provider();
  const embed = provider.embed?.bind(provider);
  if (embed === undefined) {
    throw invalidInput(
      "request.model",
      `is served by ${provider.name}, which has no embeddings endpoint; use an OpenAI or Gemini embedding model`,
    );
  }
  const tokenizer = route.info.tokenizer;
  const countTokens = (text: string) => countTextTokens(text, tokenizer).tokens;
  const tokenCounts = texts.map(countTokens);
  const worstInputTokens = tokenCounts.reduce((sum, tokens) => sum + tokens, 0);
  const worstUsage = { ...emptyUsage(), inputTokens: worstInputTokens };
  const pricing = { at: new Date(context.now()) };
  const { scope, budgets } = context.budgetFor(options);
  const charge = await openAdmittedCharge(
    {
      ledger: context.ledger,
      scope,
      budgets,
      worstCase: {
        model: route.info.id,
        inputTokens: worstInputTokens,
        exact: tokenizer !== "claude" && tokenizer !== "gemini",
        outputTokens: 0,
        amount: costFromUsage(route.info, worstUsage, pricing).total,
      },
      reservationTtlMs: context.reservationTtlMs,
    },
    options.admission,
  );

  const policy = routePolicy(context.retryPolicyFor(options), options, route.reference, charge);
  const usage = { inputTokens: 0, estimated: false };
  let providerCalls = 0;
  /** Every text handed to the provider: an input not among them was answered by the cache. */
  const sent = new Set<string>();
  const embedBatch = async (batch: string[]): Promise<Float32Array[]> => {
    for (const text of batch) sent.add(text);
    const answer = await withRetry(
      ({ signal }) =>
        embed(
          { model: route.model, input: batch, dimensions: request.dimensions },
          context.providerOptionsFor(options, signal),
        ),
      policy,
    );
    providerCalls += 1;
    usage.inputTokens += answer.usage.inputTokens;
    if (answer.usage.estimated === true) usage.estimated = true;
    return answer.vectors;
  };

  let outcome: { vectors: Float32Array[]; hits: number; misses: number };
  try {
    outcome = await embedTexts({
      context,
      texts,
      route,
      provider,
      embedBatch,
      countTokens,
      request,
      callOptions: options,
    });
  } catch (caught) {
    const error = routeError(caught, charge);
    // Batches already paid for are charged; a failure before any is released.
    if (usage.inputTokens > 0) await settleEmbedding(usage.inputTokens, { partial: true });
    else await charge.release().catch(() => {});
    throw error;
  }
  // The inputs the cache answered are those never handed to the provider; what they would
  // have cost is priced like the call itself. A failed call delivered nothing, so saved nothing.
  const savedTokens = texts.reduce(
    (sum, text, index) => (sent.has(text) ? sum : sum + (tokenCounts[index] as number)),
    0,
  );
  const saved =
    outcome.hits === 0
      ? 0n
      : costFromUsage(route.info, { ...emptyUsage(), inputTokens: savedTokens }, pricing).total;
  const cost = await settleEmbedding(
    usage.inputTokens,
    outcome.hits === 0 ? {} : { cachedInputs: outcome.hits, savedCost: toDecimalString(saved) },
  );
  return {
    vectors: outcome.vectors,
    usage,
    cost,
    hits: outcome.hits,
    misses: outcome.misses,
    saved,
  };

  async function settleEmbedding(inputTokens: number, extra: { [key: string]: JsonValue }) {
    const billed = { ...emptyUsage(), inputTokens };
    const cost = costFromUsage(route.info, billed, pricing);
    await charge.settle(cost.total, {
      model: route.info.id,
      provider: provider.name,
      usage: billed,
      cached: providerCalls === 0,
      ...callRecordFields(options, {
        reference: route.reference,
        operation: "embed",
        inputs: texts.length,
        usageEstimated: usage.estimated,
        ...extra,
      }),
    });
    return cost;
  }
}

async function embedTexts(options: {
  context: ClientContext;
  texts: string[];
  route: ReturnType<ClientContext["router"]["route"]>;
  provider: ChatProvider;
  embedBatch: (batch: string[]) => Promise<Float32Array[]>;
  countTokens: (text: string) => number;
  request: ClientEmbedRequest;
  callOptions: ClientCallOptions;
}): Promise<{ vectors: Float32Array[]; hits: number; misses: number }> {
  const { context, texts, route, provider, embedBatch } = options;
  const maxBatchInputs = MAX_BATCH_INPUTS[provider.name] ?? DEFAULT_MAX_BATCH_INPUTS;
  const settings = context.embeddingCacheFor(options.callOptions);
  if (settings !== undefined) {
    const cache = createEmbeddingCache({
      store: settings.store,
      embed: embedBatch,
      model: route.info.id,
      dimensions: options.request.dimensions,
      maxBatchInputs,
      maxInputTokens: route.info.maxInputTokens ?? route.info.contextWindow,
      countTokens: options.countTokens,
      ttlMs: settings.ttlMs,
    });
    const { vectors, hits, misses } = await cache.embedMany(texts);
    return { vectors, hits, misses };
  }
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += maxBatchInputs) {
    vectors.push(...(await embedBatch(texts.slice(start, start + maxBatchInputs))));
  }
  return { vectors, hits: 0, misses: texts.length };
}

function readInput(request: ClientEmbedRequest): string[] {
  if (typeof request !== "object" || request === null) {
    throw invalidInput(
      "request",
      'must be { model, input } such as { model: "text-embedding-3-small", input: ["text"] }',
    );
  }
  const texts = typeof request.input === "string" ? [request.input] : request.input;
  if (!Array.isArray(texts) || texts.length === 0) {
    throw invalidInput(
      "request.input",
      "must be a non-empty string or a non-empty array of strings",
    );
  }
  texts.forEach((text: unknown, index) => {
    if (typeof text !== "string" || text === "") {
      throw invalidInput(`request.input[${index}]`, "must be a non-empty string");
    }
  });
  return texts;
}
