import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

const KEY_FORMAT = "tokenwise.embedding-cache.v1";

/**
 * The store key of one text's embedding: SHA-256 of the model, the requested dimensions and
 * the full text. Never a prefix of the text: two texts that share their first 100 characters
 * must not share a vector.
 *
 * @example
 * ```ts
 * embeddingCacheKey({ model: "text-embedding-3-small", dimensions: 512, text: "hello" });
 * // "embedding:5d41..." (64 hex digits after the prefix)
 * ```
 */
export function embeddingCacheKey(options: {
  model: string;
  dimensions?: number;
  text: string;
}): string {
  const material = canonicalJson({
    format: KEY_FORMAT,
    model: options.model,
    dimensions: options.dimensions ?? null,
    text: options.text,
  });
  return `embedding:${createHash("sha256").update(material, "utf8").digest("hex")}`;
}
