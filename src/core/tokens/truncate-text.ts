import { describeValue, invalidInput } from "../errors/index.js";
import { boundaryAtOrAfter, boundaryAtOrBefore } from "./character-boundaries.js";
import { resolveTokenizer } from "./registry.js";
import type { EncodingName, Tokenizer } from "./tokenizer.js";
import { assertNonNegativeInteger, assertString } from "./validation.js";

/**
 * Which part of the text survives:
 * - "head-tail": the first `headRatio` of the budget from the start, the rest from the end;
 * - "middle-out": equal parts from the start and the end (the middle is dropped);
 * - "head": the start, marker at the end;
 * - "tail": the end, marker at the start.
 */
export type TruncationStrategy = "head-tail" | "head" | "tail" | "middle-out";

export interface TruncateTextOptions {
  /** Most tokens the returned text may have, marker included. */
  maxTokens: number;
  tokenizer: EncodingName | Tokenizer;
  /** Default "head-tail". */
  strategy?: TruncationStrategy;
  /** Share of the budget kept from the start with "head-tail", in [0, 1]. Default 0.8. */
  headRatio?: number;
  /** Text put where content was dropped; its tokens count against `maxTokens`. Default "\n…\n". */
  marker?: string;
}

export interface TruncatedText {
  text: string;
  /** False when the text already fit and is returned unchanged. */
  truncated: boolean;
  /** Tokens of the input. */
  originalTokens: number;
  /** Input tokens kept (head and tail together). */
  keptTokens: number;
  /** Input tokens dropped (`originalTokens - keptTokens`). */
  droppedTokens: number;
  /** Tokens of the returned text, counted again; never more than `maxTokens`. */
  totalTokens: number;
}

export const DEFAULT_TRUNCATION_MARKER = "\n…\n";

const STRATEGIES: readonly TruncationStrategy[] = ["head-tail", "head", "tail", "middle-out"];

/**
 * Shortens `text` to at most `maxTokens` tokens, marking where content was dropped.
 *
 * Cuts fall only between characters: a cut that would split a multi-byte character backs off
 * token by token, so the result never holds a U+FFFD or a lone surrogate that the input did
 * not (kept text is sliced from the input, so it is preserved exactly, lone surrogates
 * included). A cut may still separate a combining mark or a ZWJ emoji sequence from the
 * characters before it: those are several characters. Joining the kept parts and the marker can change token boundaries, so the result is
 * counted again and shrunk until it fits: `totalTokens <= maxTokens` always holds.
 *
 * @example
 * ```ts
 * const result = truncateText(longLog, { maxTokens: 500, tokenizer: "o200k_base" });
 * result.text; // first ~80% of the budget, "\n…\n", last ~20%
 * result.totalTokens <= 500; // true
 * ```
 */
export function truncateText(text: string, options: TruncateTextOptions): TruncatedText {
  assertString("text", text);
  const settings = readOptions(options);
  const tokens = settings.tokenizer.encode(text);
  const originalTokens = tokens.length;
  if (originalTokens <= settings.maxTokens) {
    return {
      text,
      truncated: false,
      originalTokens,
      keptTokens: originalTokens,
      droppedTokens: 0,
      totalTokens: originalTokens,
    };
  }

  const { tokenizer, maxTokens, marker, headShare } = settings;
  let budget = maxTokens - settings.markerTokens;
  for (;;) {
    const headBudget = Math.floor(budget * headShare);
    const headEnd = boundaryAtOrBefore(tokenizer, tokens, headBudget);
    const tailStart = boundaryAtOrAfter(tokenizer, tokens, originalTokens - (budget - headBudget));
    const head = text.slice(0, tokenizer.decode(tokens.slice(0, headEnd)).length);
    const tailLength = tokenizer.decode(tokens.slice(tailStart)).length;
    const tail = tailLength === 0 ? "" : text.slice(-tailLength);
    const result = head + marker + tail;
    const totalTokens = tokenizer.count(result);
    if (totalTokens <= maxTokens) {
      const keptTokens = headEnd + (originalTokens - tailStart);
      return {
        text: result,
        truncated: true,
        originalTokens,
        keptTokens,
        droppedTokens: originalTokens - keptTokens,
        totalTokens,
      };
    }
    // With no budget left the result is the marker alone, which fits, so this loop ends.
    budget = Math.max(0, budget - (totalTokens - maxTokens));
  }
}

interface TruncationSettings {
  tokenizer: Tokenizer;
  maxTokens: number;
  marker: string;
  markerTokens: number;
  /** Share of the budget taken from the start of the text. */
  headShare: number;
}

function readOptions(options: TruncateTextOptions): TruncationSettings {
  if (typeof options !== "object" || options === null) {
    throw invalidInput(
      "options",
      `must be an object like { maxTokens, tokenizer }, got ${describeValue(options)}`,
    );
  }
  assertNonNegativeInteger("maxTokens", options.maxTokens);
  const tokenizer = resolveTokenizer("tokenizer", options.tokenizer);
  const strategy = options.strategy ?? "head-tail";
  if (!STRATEGIES.includes(strategy)) {
    throw invalidInput(
      "strategy",
      `must be one of "head-tail", "head", "tail", "middle-out", got ${describeValue(strategy)}`,
    );
  }
  const headRatio = options.headRatio ?? 0.8;
  if (typeof headRatio !== "number" || !(headRatio >= 0 && headRatio <= 1)) {
    throw invalidInput(
      "headRatio",
      `must be a number from 0 to 1 (the share of the budget kept from the start), got ${describeValue(headRatio)}`,
    );
  }
  const marker = options.marker ?? DEFAULT_TRUNCATION_MARKER;
  assertString("marker", marker);
  const markerTokens = tokenizer.count(marker);
  if (markerTokens > options.maxTokens) {
    throw invalidInput(
      "maxTokens",
      `is ${options.maxTokens}, less than the ${markerTokens} tokens of the marker ${describeValue(marker)}; raise maxTokens or pass a shorter marker (marker: "" for none)`,
    );
  }
  return {
    tokenizer,
    maxTokens: options.maxTokens,
    marker,
    markerTokens,
    headShare: headShareOf(strategy, headRatio),
  };
}

function headShareOf(strategy: TruncationStrategy, headRatio: number): number {
  switch (strategy) {
    case "head":
      return 1;
    case "tail":
      return 0;
    case "middle-out":
      return 0.5;
    case "head-tail":
      return headRatio;
  }
}
