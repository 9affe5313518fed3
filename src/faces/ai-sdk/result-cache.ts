/**
 * A response cache for AI SDK calls over any {@link KeyValueStore}: the key covers the model
 * and every call parameter that can change the answer, inside the tenant's namespace.
 */
import { createHash } from "node:crypto";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
} from "@ai-sdk/provider";
import { canonicalJson } from "../../adapters/cache/index.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";

export interface AiSdkCacheOptions {
  store: KeyValueStore;
  /** The tenant: entries are never shared across namespaces (default "default"). */
  namespace?: string;
  /** How long an entry lives, in ms (default one day). */
  ttlMs?: number;
  /** Also cache calls sampled above temperature 0 (default false: only temperature 0). */
  cacheNonDeterministic?: boolean;
}

export interface AiSdkCache {
  /** The store key for a call, or undefined when the call must not be cached. */
  keyFor(params: LanguageModelV3CallOptions, model: LanguageModelV3): string | undefined;
  get(key: string): Promise<LanguageModelV3GenerateResult | undefined>;
  /** Stores a finished result; results with an error finish or binary content are skipped. */
  set(key: string, result: LanguageModelV3GenerateResult): Promise<void>;
}

const FORMAT = "tokenwise.ai-sdk-response.v1";
/** Parameters that change how a call travels, never what it answers. */
const NOT_PART_OF_THE_KEY = new Set(["abortSignal", "headers", "includeRawChunks"]);
/** Content kinds that survive a trip through JSON unchanged. */
const STORABLE_CONTENT = new Set(["text", "reasoning", "tool-call", "tool-result", "source"]);
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

interface StoredResult {
  format: typeof FORMAT;
  result: Omit<LanguageModelV3GenerateResult, "response" | "request"> & {
    response?: { id?: string; modelId?: string; timestamp?: string };
  };
}

/**
 * Creates the cache. Only deterministic calls (temperature 0) are cached unless
 * `cacheNonDeterministic` is set; a store that fails counts as a miss and a failed write is
 * skipped, so the cache can never fail a call.
 *
 * @example
 * ```ts
 * const cache = createAiSdkCache({ store: createMemoryStore(), namespace: "tenant-42" });
 * const key = cache.keyFor(params, model);
 * const hit = key === undefined ? undefined : await cache.get(key);
 * ```
 */
export function createAiSdkCache(options: AiSdkCacheOptions): AiSdkCache {
  const { store } = options;
  const namespace = options.namespace ?? "default";
  if (typeof namespace !== "string" || namespace === "") {
    throw invalidInput("cache.namespace", "must be a non-empty string naming the tenant");
  }
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const prefix = `ai-sdk:${encodeURIComponent(namespace)}:`;

  return {
    keyFor(params, model) {
      if (options.cacheNonDeterministic !== true && params.temperature !== 0) return undefined;
      const keyed: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(params)) {
        if (!NOT_PART_OF_THE_KEY.has(field)) keyed[field] = value;
      }
      let text: string;
      try {
        text = canonicalJson({
          provider: model.provider,
          modelId: model.modelId,
          params: jsonSafe(keyed),
        });
      } catch {
        return undefined;
      }
      const hash = createHash("sha256")
        .update(`${FORMAT}\n${JSON.stringify(namespace)}\n${text}`, "utf8")
        .digest("hex");
      return prefix + hash;
    },
    async get(key) {
      let value: string | Uint8Array | undefined;
      try {
        value = await store.get(key);
      } catch (error) {
        if (TokenwiseError.hasCode(error, "store_error")) return undefined;
        throw error;
      }
      return typeof value === "string" ? parseStored(value) : undefined;
    },
    async set(key, result) {
      if (result.finishReason.unified === "error") return;
      if (!result.content.every((part) => STORABLE_CONTENT.has(part.type))) return;
      const stored: StoredResult = {
        format: FORMAT,
        result: {
          content: result.content,
          finishReason: result.finishReason,
          usage: result.usage,
          warnings: result.warnings,
          ...(result.providerMetadata === undefined
            ? {}
            : { providerMetadata: result.providerMetadata }),
          response: {
            id: result.response?.id,
            modelId: result.response?.modelId,
            timestamp: result.response?.timestamp?.toISOString(),
          },
        },
      };
      try {
        await store.set(key, JSON.stringify(stored), { ttlMs });
      } catch (error) {
        if (!TokenwiseError.hasCode(error, "store_error")) throw error;
      }
    },
  };
}

function parseStored(text: string): LanguageModelV3GenerateResult | undefined {
  let parsed: StoredResult;
  try {
    parsed = JSON.parse(text) as StoredResult;
  } catch {
    return undefined;
  }
  if (parsed?.format !== FORMAT || !Array.isArray(parsed.result?.content)) return undefined;
  const { response, ...rest } = parsed.result;
  const restored: LanguageModelV3GenerateResult = {
    ...rest,
    content: rest.content as LanguageModelV3Content[],
  };
  if (response !== undefined) {
    restored.response = {};
    if (response.id !== undefined) restored.response.id = response.id;
    if (response.modelId !== undefined) restored.response.modelId = response.modelId;
    if (response.timestamp !== undefined)
      restored.response.timestamp = new Date(response.timestamp);
  }
  return restored;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Binary data, URLs and dates as plain JSON, so they take part in the key. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (value instanceof URL) return { $url: value.href };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === "object" && value !== null && isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) copy[key] = jsonSafe(member);
    return copy;
  }
  return value;
}
