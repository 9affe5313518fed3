/**
 * Provider prompt caching, simulated: a request that repeats a long prefix of an earlier
 * request (same API key, same model, within the TTL) reports part of its input as cached, the
 * way each provider does.
 *
 * The cache sees a prompt as one canonical string, its parts in the order the provider
 * reads them (tools, system, messages), at the mock's rule of 4 characters per token:
 * - OpenAI (Chat Completions and Responses): every prompt of at least 1024 tokens is cached in
 *   128-token blocks; a later prompt reports the longest cached run of whole blocks as
 *   `prompt_tokens_details.cached_tokens` (`input_tokens_details.cached_tokens` in Responses).
 * - Anthropic: only prefixes ending at a `cache_control` breakpoint are cached (at least 1024
 *   tokens): the first request reports them as `cache_creation_input_tokens`; a later one
 *   reads the longest cached prefix that ends at one of its blocks up to 20 blocks before one
 *   of its breakpoints (`cache_read_input_tokens`) and writes the rest up to its last one.
 * - Gemini (implicit caching): like OpenAI, reported as `cachedContentTokenCount`.
 *
 * Entries live `ttlMs` after their last use (a hit refreshes them, as providers do) and at
 * most `maxEntries` block hashes are kept (least recently used go first), so memory is
 * bounded. Keys are SHA-256 hashes of the API key, model and prefix: no prompt text is kept.
 */
import { createHash, type Hash } from "node:crypto";
import { invalidInput } from "../../core/errors/index.js";
import { array, isRecord, type Json } from "./json.js";
import { presentedKey, type RequestHeaders } from "./mock-auth.js";
import type { MockProvider } from "./types.js";

export interface PromptCachingOptions {
  /** How long an entry lives after its last use, in ms (default 5 minutes). */
  ttlMs?: number;
  /** Most prefix hashes kept (default 50,000). */
  maxEntries?: number;
  /** Shortest prefix that is cached, in tokens (default 1024). */
  minimumTokens?: number;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

export interface PromptCacheUsage {
  /** Input tokens read from the cache. */
  cachedInputTokens: number;
  /** Input tokens written to the cache (Anthropic only). */
  cacheWriteTokens: number;
}

export interface PromptCacheRequest {
  provider: MockProvider;
  /** The presented API key (only its hash is kept), "" when none. */
  apiKey: string;
  model: string;
  /** The request body as received. */
  body: Record<string, unknown>;
  /** The mock's count of the request's input tokens; cached tokens never exceed it. */
  inputTokens: number;
}

export interface PromptCache {
  /** Looks the request's prefixes up, stores them, and says what to report. */
  observe(request: PromptCacheRequest): PromptCacheUsage;
  /** Prefix hashes currently held. */
  size(): number;
}

const CHARS_PER_TOKEN = 4;
const OPENAI_BLOCK_TOKENS = 128;
/** Anthropic looks for earlier cache entries this many blocks back from each breakpoint. */
const ANTHROPIC_LOOKBACK_BLOCKS = 20;

/**
 * @example
 * ```ts
 * const cache = createPromptCache({ ttlMs: 300_000 });
 * cache.observe({ provider: "openai", apiKey: "sk-test", model: "gpt-4o", body, inputTokens: 3000 });
 * // { cachedInputTokens: 0, cacheWriteTokens: 0 } the first time; 2944 when repeated
 * ```
 */
export function createPromptCache(options: PromptCachingOptions = {}): PromptCache {
  const ttlMs = options.ttlMs ?? 300_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const minimumTokens = options.minimumTokens ?? 1024;
  const now = options.now ?? Date.now;
  for (const [field, value] of [
    ["ttlMs", ttlMs],
    ["maxEntries", maxEntries],
    ["minimumTokens", minimumTokens],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw invalidInput(`promptCaching.${field}`, `must be a whole number above 0, got ${value}`);
    }
  }
  const entries = new Map<string, number>();

  const has = (hash: string, time: number) => {
    const expiresAt = entries.get(hash);
    if (expiresAt === undefined) return false;
    if (expiresAt <= time) {
      entries.delete(hash);
      return false;
    }
    return true;
  };
  const store = (hash: string, time: number) => {
    entries.delete(hash);
    entries.set(hash, time + ttlMs);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };

  return {
    size: () => entries.size,
    observe(request) {
      const time = now();
      const { text, breakpoints, blockEnds } = canonicalPrompt(request.provider, request.body);
      const scope = createHash("sha256")
        .update(`${request.provider}\u0000${request.apiKey}\u0000${request.model}\u0000`)
        .digest("hex");
      const tokensAt = (offset: number) =>
        Math.min(Math.floor(offset / CHARS_PER_TOKEN), request.inputTokens);

      if (request.provider === "anthropic") {
        const cacheable = breakpoints.filter((offset) => tokensAt(offset) >= minimumTokens);
        const lastOffset = cacheable.at(-1) ?? 0;
        const candidates = new Set<number>();
        for (const breakpoint of cacheable) {
          const at = blockEnds.indexOf(breakpoint);
          for (let index = Math.max(0, at - ANTHROPIC_LOOKBACK_BLOCKS); index <= at; index++) {
            const offset = blockEnds[index] ?? 0;
            if (tokensAt(offset) >= minimumTokens) candidates.add(offset);
          }
        }
        const offsets = [...candidates].sort((a, b) => a - b);
        const hashes = prefixHashes(scope, text, offsets);
        let readOffset = 0;
        for (const [index, offset] of offsets.entries()) {
          const hash = hashes[index] ?? "";
          if (!has(hash, time)) continue;
          readOffset = offset;
          store(hash, time);
        }
        for (const [index, offset] of offsets.entries()) {
          if (cacheable.includes(offset)) store(hashes[index] ?? "", time);
        }
        const cachedInputTokens = tokensAt(readOffset);
        return {
          cachedInputTokens,
          cacheWriteTokens: lastOffset > readOffset ? tokensAt(lastOffset) - cachedInputTokens : 0,
        };
      }

      const blockChars = OPENAI_BLOCK_TOKENS * CHARS_PER_TOKEN;
      const cacheableTokens =
        Math.floor(request.inputTokens / OPENAI_BLOCK_TOKENS) * OPENAI_BLOCK_TOKENS;
      const offsets: number[] = [];
      for (
        let offset = blockChars;
        offset <= text.length && offset / CHARS_PER_TOKEN <= cacheableTokens;
        offset += blockChars
      ) {
        if (offset / CHARS_PER_TOKEN >= minimumTokens) offsets.push(offset);
      }
      const hashes = prefixHashes(scope, text, offsets);
      let cachedInputTokens = 0;
      for (const [index, offset] of offsets.entries()) {
        if (!has(hashes[index] ?? "", time)) break;
        cachedInputTokens = offset / CHARS_PER_TOKEN;
      }
      for (const hash of hashes) store(hash, time);
      return { cachedInputTokens, cacheWriteTokens: 0 };
    },
  };
}

/**
 * The API key a request presents, as the provider reads it ("" when none): the scope of its
 * cache entries (see `presentedKey` in `mock-auth.ts`).
 *
 * @example
 * ```ts
 * presentedApiKey("openai", { authorization: "Bearer sk-test" }, new URLSearchParams()); // "sk-test"
 * ```
 */
export function presentedApiKey(
  provider: MockProvider,
  headers: RequestHeaders,
  query: URLSearchParams,
): string {
  return presentedKey(provider, headers, query) ?? "";
}

/** SHA-256 of scope + text[0, offset) for each (ascending) offset, in one pass. */
function prefixHashes(scope: string, text: string, offsets: readonly number[]): string[] {
  const hash: Hash = createHash("sha256").update(scope);
  const hashes: string[] = [];
  let done = 0;
  for (const offset of offsets) {
    hash.update(text.slice(done, offset));
    done = offset;
    hashes.push(hash.copy().digest("hex"));
  }
  return hashes;
}

interface CanonicalPrompt {
  text: string;
  /** Offsets in `text` where a `cache_control` block ends (Anthropic), ascending. */
  breakpoints: number[];
  /** Offsets in `text` where each block ends, ascending. */
  blockEnds: number[];
}

/** The prompt's parts in the provider's order: tools, then system, then messages. */
function canonicalPrompt(provider: MockProvider, body: Json): CanonicalPrompt {
  const parts: string[] = [];
  const breakpoints: number[] = [];
  const blockEnds: number[] = [];
  let length = 0;
  const add = (label: string, value: unknown, breakpoint = false) => {
    const part = `\u0002${label}\u0003${leafText(value)}`;
    parts.push(part);
    length += part.length;
    blockEnds.push(length);
    if (breakpoint) breakpoints.push(length);
  };
  const marked = (value: unknown) => isRecord(value) && isRecord(value.cache_control);

  if (provider === "openai") {
    for (const tool of array(body.tools)) add("tool", tool);
    for (const message of array(body.messages)) add(`message:${role(message)}`, message);
    // The Responses API: `instructions`, then `input` (a string or a list of items).
    if (body.instructions !== undefined) add("message:system", body.instructions);
    if (typeof body.input === "string") add("message:user", body.input);
    for (const item of array(body.input)) add(`message:${role(item)}`, item);
  } else if (provider === "gemini") {
    for (const tool of array(body.tools)) add("tool", tool);
    if (body.systemInstruction !== undefined) add("system", body.systemInstruction);
    for (const content of array(body.contents)) add(`content:${role(content)}`, content);
  } else {
    for (const tool of array(body.tools)) add("tool", tool, marked(tool));
    if (typeof body.system === "string") add("system", body.system);
    for (const block of array(body.system)) add("system", block, marked(block));
    for (const message of array(body.messages)) {
      const label = `message:${role(message)}`;
      const content = isRecord(message) ? message.content : undefined;
      if (typeof content === "string") add(label, content);
      for (const block of array(content)) add(label, block, marked(block));
    }
  }
  return { text: parts.join(""), breakpoints, blockEnds };
}

/** Every string, number and boolean inside `value`, in order; `cache_control` is not content. */
function leafText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(leafText).join("\u0001");
  if (!isRecord(value)) return "";
  return Object.entries(value)
    .filter(([key]) => key !== "cache_control")
    .map(([key, item]) => `${key}\u0001${leafText(item)}`)
    .join("\u0001");
}

function role(value: unknown): string {
  return isRecord(value) && typeof value.role === "string" ? value.role : "";
}
