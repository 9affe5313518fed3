import { describeValue, invalidInput } from "../errors/index.js";
import { resolveTokenizer } from "./registry.js";
import type { EncodingName, Tokenizer } from "./tokenizer.js";
import { utf8ByteLength } from "./utf8-byte-length.js";
import { assertString } from "./validation.js";

/**
 * True when `text` has at most `maxTokens` tokens. Answers without tokenizing when the UTF-8
 * length already proves it (every token is at least one byte), and otherwise stops counting as
 * soon as the limit is passed.
 *
 * @example
 * ```ts
 * isWithinTokenLimit(prompt, { maxTokens: 128_000, tokenizer: "o200k_base" }); // true
 * ```
 */
export function isWithinTokenLimit(
  text: string,
  options: { maxTokens: number; tokenizer: EncodingName | Tokenizer },
): boolean {
  assertString("text", text);
  const maxTokens = options?.maxTokens;
  if (typeof maxTokens !== "number" || Number.isNaN(maxTokens) || maxTokens < 0) {
    throw invalidInput(
      "maxTokens",
      `must be a non-negative number, got ${describeValue(maxTokens)}`,
    );
  }
  const tokenizer = resolveTokenizer("tokenizer", options.tokenizer);
  if (text.length * 3 <= maxTokens || utf8ByteLength(text) <= maxTokens) {
    return true;
  }
  return tokenizer.countUpTo(text, maxTokens) <= maxTokens;
}
