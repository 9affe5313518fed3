import type { ModelInfo } from "../catalog/index.js";
import { costFromUsage, emptyUsage, type ModelCatalog } from "../cost/index.js";
import { TokenwiseError } from "../errors/index.js";
import { formatUsd, type Picodollars } from "../money/index.js";
import { isEncodingName } from "../tokens/index.js";

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

export interface WorstCaseCostOptions {
  model: ModelInfo;
  /** Input tokens, as reserved (see {@link reservedInputTokens}). */
  inputTokens: number;
  /** The request's output limit. */
  maxOutputTokens: number;
  catalog?: ModelCatalog;
}

/**
 * The most a call can cost: every input token uncached and every output token at the dearer of
 * the output and reasoning prices, long-context tiers included.
 *
 * @example
 * ```ts
 * worstCaseCost({ model: defaultCatalog.get("gpt-4o-mini"), inputTokens: 1000, maxOutputTokens: 1024 });
 * // 1000 × $0.15/M + 1024 × $0.60/M = 764,400,000 picodollars
 * ```
 */
export function worstCaseCost(options: WorstCaseCostOptions): Picodollars {
  const usage = {
    ...emptyUsage(),
    inputTokens: options.inputTokens,
    outputTokens: options.maxOutputTokens,
  };
  const visible = costFromUsage(options.model, usage, { catalog: options.catalog }).total;
  const reasoning = costFromUsage(
    options.model,
    { ...usage, reasoningTokens: options.maxOutputTokens },
    { catalog: options.catalog },
  ).total;
  // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints.
  return visible > reasoning ? visible : reasoning;
}

export interface BudgetCheck extends WorstCaseCostOptions {
  /** What the call is for, as people read it ("this message", "the summary"). */
  purpose: string;
  budget: Picodollars | undefined;
  spent: Picodollars;
}

/**
 * Refuses a call whose worst case could pass the budget: throws `budget_exceeded` saying what
 * the call could cost, what is left, and how to go on. Returns the worst case otherwise.
 *
 * @example
 * ```ts
 * assertWithinBudget({ purpose: "this message", model, inputTokens: 120, maxOutputTokens: 1024, budget: usd("0.50"), spent: 0n });
 * ```
 */
export function assertWithinBudget(check: BudgetCheck): Picodollars {
  const worstCase = worstCaseCost(check);
  if (check.budget === undefined) return worstCase;
  const remaining = check.budget - check.spent;
  if (worstCase <= remaining) return worstCase;
  const left = remaining > 0n ? remaining : 0n;
  throw new TokenwiseError(
    "budget_exceeded",
    `Budget exceeded: ${check.purpose} could cost up to ${formatUsd(worstCase)} ` +
      `(${check.inputTokens} input + up to ${check.maxOutputTokens} output tokens on ${check.model.id}) ` +
      `but only ${formatUsd(left)} of the ${formatUsd(check.budget)} budget is left; ` +
      "nothing was sent. Raise the budget, lower maxOutputTokens, or start a shorter conversation.",
    {
      details: {
        worstCase,
        remaining: left,
        budget: check.budget,
        spent: check.spent,
        model: check.model.id,
        inputTokens: check.inputTokens,
        maxOutputTokens: check.maxOutputTokens,
      },
    },
  );
}
