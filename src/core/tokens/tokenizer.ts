/**
 * The tokenizer interface every part of tokenwise counts through. Implementations are exact
 * for one encoding; a faster implementation can replace the default without callers noticing.
 */

/** Byte-pair encodings OpenAI publishes and tokenwise counts exactly, offline. */
export type EncodingName = "o200k_base" | "cl100k_base" | "p50k_base" | "r50k_base";

export interface Tokenizer {
  /** The encoding this tokenizer implements. */
  readonly encoding: EncodingName;
  /** Token ids of `text`, with special-token text treated as ordinary text. */
  encode(text: string): number[];
  /** Text of `tokens`. A cut through a multi-byte character decodes to U+FFFD. */
  decode(tokens: readonly number[]): string;
  /** Number of tokens in `text` (same as `encode(text).length`, usually faster). */
  count(text: string): number;
  /**
   * Counts tokens but stops as soon as the count passes `limit`. Returns the exact count when
   * it is at most `limit`; otherwise some number greater than `limit` (not the full count).
   */
  countUpTo(text: string, limit: number): number;
}

/**
 * How a model's tokens are counted: an exact OpenAI encoding, or an estimate for model
 * families that publish no offline tokenizer (Claude, Gemini).
 */
export type TokenizerName = EncodingName | "claude" | "gemini";
