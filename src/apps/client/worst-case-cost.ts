import type { ModelInfo } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { countChatTokens, isEncodingName } from "../../core/tokens/index.js";

/**
 * Extra input reserved when a model's tokenizer is estimated (Claude, Gemini): the provider may
 * count more than the estimate, and the budget must hold anyway.
 */
export const ESTIMATED_INPUT_MARGIN = 1.1;

/**
 * Input tokens to reserve for `countedTokens` on `model`: the count itself for exact
 * tokenizers, the count plus {@link ESTIMATED_INPUT_MARGIN} for estimated ones.
 *
 * @example
 * ```ts
 * reservedInputTokens(defaultCatalog.get("claude-haiku-4-5"), 1000); // 1100
 * ```
 */
export function reservedInputTokens(model: ModelInfo, countedTokens: number): number {
  if (isEncodingName(model.tokenizer)) return countedTokens;
  return Math.ceil(countedTokens * ESTIMATED_INPUT_MARGIN);
}

/** The most a call can cost on one model, and the token counts behind it. */
export interface WorstCase {
  /** Canonical id of the model priced. */
  model: string;
  /**
   * Input tokens counted locally with the model's tokenizer; `amount` prices
   * {@link reservedInputTokens} of them.
   */
  inputTokens: number;
  /** True when the input count is exact (OpenAI encodings), false for estimates. */
  exact: boolean;
  /** The most output tokens the call may generate (max_tokens × n, or the model's maximum). */
  outputTokens: number;
  amount: Picodollars;
}

/**
 * The worst-case cost of `request` on `model`, the one policy every budget check uses (client,
 * chat, AI SDK middleware, gateway): its input counted with the model's tokenizer (plus
 * {@link ESTIMATED_INPUT_MARGIN} when that count is an estimate), every input token uncached,
 * plus `max_completion_tokens` / `max_tokens` (the model's `maxOutputTokens` when neither is
 * set) for each of the `n` choices, at the reasoning price when that is the higher one, long
 * context tiers included, at the prices in force at `options.at` (default now). A call must
 * settle at the prices of the same moment, or a call reserved just before a price change can
 * settle above its reservation.
 *
 * @example
 * ```ts
 * const worst = worstCaseCost(request, defaultCatalog.get("gpt-4o-mini"));
 * formatUsd(worst.amount); // input × $0.15/M + max_tokens × $0.60/M
 * ```
 */
export function worstCaseCost(
  request: ChatRequest,
  model: ModelInfo,
  options: { at?: Date | string } = {},
): WorstCase {
  const count = countChatTokens(request.messages, {
    tokenizer: model.tokenizer,
    tools: request.tools,
    imageTokens: model.imageTokens,
    model: model.id,
  });
  const choices = request.n ?? 1;
  if (!Number.isSafeInteger(choices) || choices < 1) {
    throw invalidInput("request.n", `must be a whole number of choices, 1 or more, got ${choices}`);
  }
  const outputTokens = maxOutputTokensOf(request, model) * choices;
  const usage = {
    ...emptyUsage(),
    inputTokens: reservedInputTokens(model, count.tokens),
    outputTokens,
  };
  const pricing = options.at === undefined ? {} : { at: options.at };
  const asOutput = costFromUsage(model, usage, pricing).total;
  const asReasoning = costFromUsage(
    model,
    { ...usage, reasoningTokens: outputTokens },
    pricing,
  ).total;
  return {
    model: model.id,
    inputTokens: count.tokens,
    exact: count.exact,
    outputTokens,
    // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints.
    amount: asReasoning > asOutput ? asReasoning : asOutput,
  };
}

/** The output limit a request sets, else the model's own maximum. */
export function maxOutputTokensOf(request: ChatRequest, model: ModelInfo): number {
  const field =
    request.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens";
  const value = request.max_completion_tokens ?? request.max_tokens;
  if (value === undefined) return model.maxOutputTokens;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalidInput(
      `request.${field}`,
      `must be a whole number of tokens, 1 or more, got ${value}`,
    );
  }
  return value;
}
