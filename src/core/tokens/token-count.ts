/**
 * A token count and how it was obtained. `exact` is true only when the count comes from the
 * model's own published tokenizer and rules; estimates always say so, and `method` says how.
 */
export interface TokenCount {
  tokens: number;
  exact: boolean;
  /** The encoding name for exact counts, or a description such as "estimate: o200k_base × 1.2". */
  method: string;
}
