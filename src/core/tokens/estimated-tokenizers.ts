import { getTokenizer } from "./registry.js";

/** Model families whose tokenizer is not published, so tokenwise estimates their counts. */
export type EstimatedTokenizerName = "claude" | "gemini";

/**
 * Claude tokens per o200k_base token. Anthropic publishes no offline tokenizer (its
 * count_tokens endpoint is the only exact source). Measured against GPT-4o's o200k_base,
 * Claude 3.5 Sonnet's tokenizer produced about 16% more tokens on English articles, 21% more
 * on math and 30% more on Python code (L. Gupta, "Hidden costs in AI deployment: why Claude
 * models may be 20–30% more expensive than GPT", VentureBeat, May 2025); Anthropic's own Claude
 * Code reference says OpenAI's tokenizers undercount Claude by about 15–20% on typical text.
 * 1.2 sits at the top of the prose range, so budgets err high rather than low. Code-heavy
 * text can still run about 10% above this, and Anthropic announced that the tokenizer of
 * Claude Opus 4.7 and later yields 1.0–1.35× the tokens of earlier Claude models.
 */
export const CLAUDE_TOKENS_PER_O200K_TOKEN = 1.2;

/**
 * Characters per Gemini token, from Google's documentation ("for Gemini models, a token is
 * equivalent to about 4 characters; 100 tokens is about 60-80 English words"). That ratio
 * holds for English; for scripts such as Chinese or Japanese, where one character carries a
 * word's worth of meaning, it undercounts several-fold. So the estimate never goes below the
 * o200k_base count: Gemini's 256k-entry SentencePiece vocabulary is reported to be as
 * efficient as o200k_base or more on those scripts, so the floor errs high, not low.
 */
export const GEMINI_CHARACTERS_PER_TOKEN = 4;

/**
 * Estimated token count of `text` for a model family without a public tokenizer.
 *
 * @example
 * ```ts
 * estimateTextTokens("Hello, world", "claude"); // 4 (3 o200k_base tokens × 1.2, rounded up)
 * ```
 */
export function estimateTextTokens(text: string, family: EstimatedTokenizerName): number {
  if (text.length === 0) {
    return 0;
  }
  return estimateFromCounts(family, {
    o200kTokens: getTokenizer("o200k_base").count(text),
    codePoints: countCodePoints(text),
  });
}

/**
 * The estimate for a text whose o200k_base tokens and code points are known (so a text counted
 * in parts gets the same estimate as the whole).
 */
export function estimateFromCounts(
  family: EstimatedTokenizerName,
  counts: { o200kTokens: number; codePoints: number },
): number {
  if (family === "claude") return Math.ceil(counts.o200kTokens * CLAUDE_TOKENS_PER_O200K_TOKEN);
  return Math.max(Math.ceil(counts.codePoints / GEMINI_CHARACTERS_PER_TOKEN), counts.o200kTokens);
}

/** The `method` text for an estimated family's counts. */
export function estimateMethod(family: EstimatedTokenizerName): string {
  return family === "claude"
    ? `estimate: o200k_base × ${CLAUDE_TOKENS_PER_O200K_TOKEN} (Claude's tokenizer is not public)`
    : `estimate: max(characters ÷ ${GEMINI_CHARACTERS_PER_TOKEN}, o200k_base) (Gemini's tokenizer is not public)`;
}

/** A high surrogate: where the first pair of surrogates can start. */
const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/**
 * Unicode code points of `text` (a lone surrogate counts as one): its length less one per
 * surrogate pair. The regular expression finds the first high surrogate at machine speed (and
 * at once in a text with only Latin-1 characters), so most text is never walked here.
 */
export function countCodePoints(text: string): number {
  const first = text.search(HIGH_SURROGATE);
  if (first === -1) return text.length;
  let pairs = 0;
  for (let index = first; index < text.length - 1; index++) {
    if ((text.charCodeAt(index) & 0xfc00) === 0xd800) {
      if ((text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
        pairs++;
        index++;
      }
    }
  }
  return text.length - pairs;
}
