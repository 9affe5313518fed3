import { invalidInput } from "../errors/index.js";
import { orderForAttention } from "./order-for-attention.js";

export interface StructureForAttentionOptions {
  documents: readonly string[];
  /**
   * Relevance of each document (e.g. cosine similarity to the query), higher is better. Omit
   * when `documents` are already ranked, most relevant first.
   */
  scores?: ArrayLike<number>;
  /** Placed between documents. Default: a blank line ("\n\n"). */
  separator?: string;
}

/**
 * Joins documents for a prompt with the most relevant at the start and end and the least
 * relevant in the middle; see {@link orderForAttention} for the exact order.
 *
 * @example
 * ```ts
 * structureForAttention({ documents: ["a", "b", "c"], scores: [0.2, 0.9, 0.5] });
 * // "b\n\na\n\nc"  (best first, second best last)
 * ```
 */
export function structureForAttention(options: StructureForAttentionOptions): string {
  const { documents, scores, separator = "\n\n" } = options ?? {};
  if (!Array.isArray(documents)) {
    throw invalidInput("documents", "must be an array of strings");
  }
  documents.forEach((document: unknown, index) => {
    if (typeof document !== "string") {
      throw invalidInput(`documents[${index}]`, `must be a string, got ${typeof document}`);
    }
  });
  if (typeof separator !== "string") {
    throw invalidInput("separator", `must be a string, got ${typeof separator}`);
  }
  return orderForAttention(documents, scores).join(separator);
}
