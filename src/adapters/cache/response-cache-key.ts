import { createHash } from "node:crypto";
import { invalidInput } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { canonicalJson } from "./canonical-json.js";

/** Request fields that change how a response is delivered or attributed, never what it says. */
const NOT_PART_OF_THE_KEY = new Set(["stream", "stream_options", "user"]);

const KEY_FORMAT = "tokenwise.response-cache.v1";

export interface ResponseCacheKeyOptions {
  /** The tenant (or other partition): the same request in two namespaces never shares an entry. */
  namespace: string;
}

/**
 * SHA-256 (hex) of the canonical JSON of everything in `request` that can change the answer,
 * together with the namespace.
 *
 * Every field is part of the key except `stream`, `stream_options` and `user`: the model, the
 * messages (roles, names, content parts, tool calls) and every parameter (temperature, top_p,
 * max_tokens, max_completion_tokens, stop, seed, tools, tool_choice, response_format,
 * reasoning_effort, penalties, n, and any field added later). Leaving a field in can only cost
 * a cache miss; leaving one out could serve one prompt's answer to another. Key order and
 * `undefined` fields do not matter.
 *
 * @example
 * ```ts
 * responseCacheKey({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], temperature: 0 },
 *   { namespace: "tenant-42" }); // "9f2c..." (64 hex digits)
 * ```
 */
export function responseCacheKey(request: ChatRequest, options: ResponseCacheKeyOptions): string {
  assertNamespace(options?.namespace);
  if (typeof request !== "object" || request === null) {
    throw invalidInput("request", "must be a chat request object { model, messages, ... }");
  }
  if (typeof request.model !== "string" || request.model.length === 0) {
    throw invalidInput("request.model", `must be a non-empty string, got ${String(request.model)}`);
  }
  if (!Array.isArray(request.messages)) {
    throw invalidInput("request.messages", "must be an array of chat messages");
  }
  const keyed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (!NOT_PART_OF_THE_KEY.has(field)) keyed[field] = value;
  }
  // JSON.stringify escapes newlines, so the three lines cannot run into each other.
  const text = `${KEY_FORMAT}\n${JSON.stringify(options.namespace)}\n${canonicalJson(keyed, "request")}`;
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * @example
 * ```ts
 * assertNamespace("tenant-42"); // ok
 * ```
 */
export function assertNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== "string" || namespace.length === 0) {
    throw invalidInput(
      "namespace",
      `must be a non-empty string naming the tenant or partition (e.g. "default"), got ${String(namespace)}`,
    );
  }
}
