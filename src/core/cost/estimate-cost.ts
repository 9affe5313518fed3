import type { ModelInfo } from "../catalog/index.js";
import { describeValue, invalidInput } from "../errors/index.js";
import type { ChatMessage, ToolDefinition } from "../messages/index.js";
import type { Picodollars } from "../money/index.js";
import { countChatTokens, countTextTokens, type TokenCount } from "../tokens/index.js";
import { costFromUsage } from "./cost-from-usage.js";
import { describeTokens } from "./describe-values.js";
import { type ModelCatalog, resolveModel } from "./model-catalog.js";
import { emptyUsage } from "./usage.js";

/** The tutorial's default reply length for estimates. */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 500;

export interface EstimateCostOptions {
  model: string | ModelInfo;
  /** A prompt, or the messages of a chat request. */
  input: string | ChatMessage[];
  /** Output tokens to price (default 500). */
  expectedOutputTokens?: number;
  /** Tool definitions sent with the request; they count as input. */
  tools?: ToolDefinition[];
  /**
   * When the call is made: it is priced at the prices in force that day (see `priceHistory`),
   * as `costFromUsage({ at })` prices it afterwards. Default: now.
   */
  at?: Date | string;
  catalog?: ModelCatalog;
}

/** What a call is expected to cost, and whether it fits the model. Amounts in picodollars. */
export interface CostEstimate {
  /** Canonical model id. */
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** True only when the input count is exact: false for Claude and Gemini, which are estimated. */
  exact: boolean;
  /** How the input was counted ("o200k_base", or the estimate used). */
  method: string;
  inputCost: Picodollars;
  outputCost: Picodollars;
  totalCost: Picodollars;
  contextWindow: number;
  /** Share of the context window the input takes (as the tutorial's `context_used`); may pass 1. */
  contextUsed: number;
  /**
   * Input + expected output fit the context window, and the input and output each fit the
   * model's maximum for them.
   */
  fits: boolean;
  /** Why the call does not fit; present only when `fits` is false. */
  reasons?: string[];
}

/**
 * Estimates a call's cost before making it: counts the input with the model's tokenizer
 * (chat messages by OpenAI's chat rules, images by the model's tile prices), prices it with
 * `expectedOutputTokens` of output, long-context tiers included, at the prices in force at
 * `at` (default now), and checks it fits.
 *
 * @example
 * ```ts
 * const estimate = estimateCost({ model: "gpt-4o", input: "Explain quantum computing in detail" });
 * formatUsd(estimate.totalCost); // input tokens × $2.50/M + 500 × $10/M
 * estimate.fits; // true
 * ```
 */
export function estimateCost(options: EstimateCostOptions): CostEstimate {
  const model = resolveModel(options.model, options.catalog);
  const expectedOutputTokens = readExpectedOutputTokens(options.expectedOutputTokens);
  const countInput = createInputCounter(options.input, options.tools);
  return estimateFromCount(model, countInput(model), expectedOutputTokens, options.at);
}

/**
 * A counter for one input across many models, computing each distinct count once.
 */
export function createInputCounter(
  input: string | ChatMessage[],
  tools: ToolDefinition[] | undefined,
): (model: ModelInfo) => TokenCount {
  if (typeof input !== "string" && !Array.isArray(input)) {
    throw invalidInput(
      "input",
      `must be a prompt string or an array of chat messages, got ${describeValue(input)}`,
    );
  }
  if (tools !== undefined && !Array.isArray(tools)) {
    throw invalidInput("tools", "must be an array of tool definitions");
  }
  const count: (model: ModelInfo) => TokenCount =
    typeof input === "string" && tools === undefined
      ? (model) => countTextTokens(input, model.tokenizer)
      : (model) =>
          countChatTokens(
            // Tools only exist in chat requests, so a prompt sent with tools is one user message.
            typeof input === "string" ? [{ role: "user", content: input }] : input,
            { tokenizer: model.tokenizer, tools, imageTokens: model.imageTokens, model: model.id },
          );
  const counts = new Map<string, TokenCount>();
  return (model) => {
    // Tool definitions cost a model-family-specific number of tokens, so with tools each
    // model counts apart; otherwise the tokenizer and image prices decide the count.
    const key =
      tools === undefined
        ? `${model.tokenizer}|${model.imageTokens?.base}|${model.imageTokens?.perTile}`
        : model.id;
    let known = counts.get(key);
    if (known === undefined) {
      known = count(model);
      counts.set(key, known);
    }
    return known;
  };
}

/**
 * Prices a counted input plus the expected output on one model, at the prices in force at
 * `at` (default now), and checks the fit.
 */
export function estimateFromCount(
  model: ModelInfo,
  count: TokenCount,
  expectedOutputTokens: number,
  at?: Date | string,
): CostEstimate {
  const usage = { ...emptyUsage(), inputTokens: count.tokens, outputTokens: expectedOutputTokens };
  const cost = costFromUsage(model, usage, at === undefined ? {} : { at });
  const reasons = fitProblems(model, count.tokens, expectedOutputTokens).map(
    (problem) => problem.reason,
  );
  const estimate: CostEstimate = {
    model: model.id,
    inputTokens: count.tokens,
    outputTokens: expectedOutputTokens,
    exact: count.exact,
    method: count.method,
    inputCost: cost.input,
    outputCost: cost.output,
    totalCost: cost.total,
    contextWindow: model.contextWindow,
    contextUsed: count.tokens / model.contextWindow,
    fits: reasons.length === 0,
  };
  if (reasons.length > 0) estimate.reasons = reasons;
  return estimate;
}

/** A limit of the model that a call breaks, with a sentence saying how. */
export interface FitProblem {
  limit: "contextWindow" | "maxInputTokens" | "maxOutputTokens";
  reason: string;
}

/** Why `inputTokens` + `outputTokens` cannot run on `model`; empty when they can. */
export function fitProblems(
  model: ModelInfo,
  inputTokens: number,
  outputTokens: number,
): FitProblem[] {
  const problems: FitProblem[] = [];
  const needed = inputTokens + outputTokens;
  if (needed > model.contextWindow) {
    problems.push({
      limit: "contextWindow",
      reason:
        `input ${describeTokens(inputTokens)} + expected output ${describeTokens(outputTokens)} = ` +
        `${describeTokens(needed)} tokens exceeds the context window of ` +
        `${describeTokens(model.contextWindow)} by ${describeTokens(needed - model.contextWindow)}`,
    });
  }
  if (model.maxInputTokens !== undefined && inputTokens > model.maxInputTokens) {
    problems.push({
      limit: "maxInputTokens",
      reason:
        `input of ${describeTokens(inputTokens)} tokens exceeds the maximum input of ` +
        `${describeTokens(model.maxInputTokens)}`,
    });
  }
  if (outputTokens > model.maxOutputTokens) {
    problems.push({
      limit: "maxOutputTokens",
      reason:
        `expected output of ${describeTokens(outputTokens)} tokens exceeds the maximum output of ` +
        `${describeTokens(model.maxOutputTokens)}`,
    });
  }
  return problems;
}

/** Validates an expected output size; absent means the tutorial's default of 500. */
export function readExpectedOutputTokens(value: unknown, field = "expectedOutputTokens"): number {
  if (value === undefined) return DEFAULT_EXPECTED_OUTPUT_TOKENS;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(
      field,
      `must be a non-negative integer number of tokens, got ${describeValue(value)}`,
    );
  }
  return value;
}
