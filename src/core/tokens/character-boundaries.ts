import type { Tokenizer } from "./tokenizer.js";

// A character is at most 4 UTF-8 bytes and a token at least 1, so the tokens holding any one
// character lie within 3 positions of a cut through it.
const WINDOW = 4;

/**
 * True when cutting `tokens` before index `cut` splits no character (code point).
 *
 * Decoding the tokens on each side of the cut separately gives the same text as decoding
 * them together exactly when no character straddles the cut: a straddling character decodes
 * to U+FFFD on both sides (two or more replacement characters where the joined decode has one
 * real character). Only a few tokens around the cut are decoded, so this costs O(1).
 *
 * @example
 * ```ts
 * const tokens = tokenizer.encode("🤖"); // 3 tokens in cl100k_base
 * isCharacterBoundary(tokenizer, tokens, 1); // false
 * isCharacterBoundary(tokenizer, tokens, 3); // true
 * ```
 */
export function isCharacterBoundary(
  tokenizer: Tokenizer,
  tokens: readonly number[],
  cut: number,
): boolean {
  if (cut <= 0 || cut >= tokens.length) {
    return true;
  }
  const start = Math.max(0, cut - WINDOW);
  const end = Math.min(tokens.length, cut + WINDOW);
  const before = tokenizer.decode(tokens.slice(start, cut));
  const after = tokenizer.decode(tokens.slice(cut, end));
  return before + after === tokenizer.decode(tokens.slice(start, end));
}

/** The nearest cut at or before `cut` that splits no character (0 at worst). */
export function boundaryAtOrBefore(
  tokenizer: Tokenizer,
  tokens: readonly number[],
  cut: number,
): number {
  let boundary = Math.min(Math.max(cut, 0), tokens.length);
  while (!isCharacterBoundary(tokenizer, tokens, boundary)) {
    boundary--;
  }
  return boundary;
}

/** The nearest cut at or after `cut` that splits no character (`tokens.length` at worst). */
export function boundaryAtOrAfter(
  tokenizer: Tokenizer,
  tokens: readonly number[],
  cut: number,
): number {
  let boundary = Math.min(Math.max(cut, 0), tokens.length);
  while (!isCharacterBoundary(tokenizer, tokens, boundary)) {
    boundary++;
  }
  return boundary;
}
