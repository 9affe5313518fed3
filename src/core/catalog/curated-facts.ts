/** What the catalog build records about each built-in model's departures from LiteLLM. */

/** One fact tokenwise sets differently from the LiteLLM entry it was built from. */
export interface CuratedFact {
  /** The value in LiteLLM's entry when the catalog was built (null: the entry had none). */
  litellm: unknown;
  /** tokenwise's value (null: tokenwise has none). */
  ours: unknown;
}

export interface CuratedFacts {
  /** The LiteLLM key the model was built from ("gemini/gemini-2.0-flash"). */
  entry: string;
  /** The date of that LiteLLM file. */
  checked: string;
  /** By path ("prices.cacheWrite1h", "contextWindow", "capabilities.batch"). */
  fields: Readonly<Record<string, CuratedFact>>;
  /** The notes that explain the departures. */
  why: string;
}
