/**
 * Cutting text by token count with nothing but a counting function, for texts longer than an
 * embedding model accepts. Prefix lengths are found by galloping then binary search, so a
 * chunk costs O(log n) counts of at most about twice its own length.
 */
import { invalidInput } from "../../core/errors/index.js";

export type CountTokens = (text: string) => number;

/** A piece of text and its token count. */
export interface TokenChunk {
  text: string;
  tokens: number;
}

/**
 * The longest start of `text` with at most `maxTokens` tokens. Never cuts a surrogate pair.
 *
 * @example
 * ```ts
 * truncateToTokens({ text: "a b c d", maxTokens: 2, countTokens: (t) => t.split(" ").filter(Boolean).length });
 * // { text: "a b ", tokens: 2 }
 * ```
 */
export function truncateToTokens(options: {
  text: string;
  maxTokens: number;
  countTokens: CountTokens;
}): TokenChunk {
  const { text, maxTokens, countTokens } = options;
  const end = fittingEnd({ text, start: 0, maxTokens, countTokens });
  const piece = text.slice(0, end);
  return { text: piece, tokens: count(countTokens, piece) };
}

/**
 * Consecutive chunks of `text`, each with at most `maxTokens` tokens, that join back to
 * `text` exactly.
 *
 * @example
 * ```ts
 * splitByTokens({ text: "a b c d e", maxTokens: 2, countTokens: words }).map((chunk) => chunk.text);
 * // ["a b ", "c d ", "e"]
 * ```
 */
export function splitByTokens(options: {
  text: string;
  maxTokens: number;
  countTokens: CountTokens;
}): TokenChunk[] {
  const { text, maxTokens, countTokens } = options;
  const chunks: TokenChunk[] = [];
  for (let start = 0; start < text.length; ) {
    const end = fittingEnd({ text, start, maxTokens, countTokens });
    const piece = text.slice(start, end);
    chunks.push({ text: piece, tokens: count(countTokens, piece) });
    start = end;
  }
  return chunks;
}

function fittingEnd(options: {
  text: string;
  start: number;
  maxTokens: number;
  countTokens: CountTokens;
}): number {
  const { text, start, maxTokens, countTokens } = options;
  const fits = (end: number) => count(countTokens, text.slice(start, end)) <= maxTokens;
  // Gallop from a guess of 4 characters per token until a prefix no longer fits.
  let low = start;
  let step = Math.max(1, maxTokens * 4);
  let high = Math.min(text.length, start + step);
  while (fits(high)) {
    low = high;
    if (high === text.length) return high;
    step *= 2;
    high = Math.min(text.length, start + step);
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  if (low > start && isHighSurrogate(text.charCodeAt(low - 1))) low -= 1;
  if (low === start) {
    const firstCharacter = String.fromCodePoint(text.codePointAt(start) as number);
    throw invalidInput(
      "maxTokens",
      `(${maxTokens}) is too small: the single character "${firstCharacter}" at index ${start} alone has more tokens`,
    );
  }
  return low;
}

function count(countTokens: CountTokens, text: string): number {
  const tokens = countTokens(text);
  if (!Number.isSafeInteger(tokens) || tokens < 0) {
    throw invalidInput("countTokens", `must return a non-negative integer, returned ${tokens}`);
  }
  return tokens;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
