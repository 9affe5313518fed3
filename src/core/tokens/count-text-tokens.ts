import { estimateMethod, estimateTextTokens } from "./estimated-tokenizers.js";
import { assertTokenizerName, getTokenizer, isEncodingName } from "./registry.js";
import type { TokenCount } from "./token-count.js";
import type { TokenizerName } from "./tokenizer.js";
import { assertString } from "./validation.js";

/**
 * Tokens in `text` for a tokenizer. Exact for the four OpenAI encodings (`method` is the
 * encoding name); an estimate with `exact: false` for "claude" and "gemini", whose tokenizers
 * are not public (see {@link CLAUDE_TOKENS_PER_O200K_TOKEN} and
 * {@link GEMINI_CHARACTERS_PER_TOKEN} for how, and why those factors).
 *
 * @example
 * ```ts
 * countTextTokens("tiktoken is great!", "cl100k_base");
 * // { tokens: 6, exact: true, method: "cl100k_base" }
 * countTextTokens("tiktoken is great!", "claude");
 * // { tokens: 8, exact: false, method: "estimate: o200k_base × 1.2 (Claude's tokenizer is not public)" }
 * ```
 */
export function countTextTokens(text: string, tokenizer: TokenizerName): TokenCount {
  assertString("text", text);
  assertTokenizerName("tokenizer", tokenizer);
  if (isEncodingName(tokenizer)) {
    return { tokens: getTokenizer(tokenizer).count(text), exact: true, method: tokenizer };
  }
  return {
    tokens: estimateTextTokens(text, tokenizer),
    exact: false,
    method: estimateMethod(tokenizer),
  };
}
