import { describeValue, invalidInput } from "../errors/index.js";
import { createBpeTokenizer } from "./bpe/index.js";
import { createGptTokenizer } from "./gpt-tokenizer-engine.js";
import type { EncodingName, Tokenizer, TokenizerName } from "./tokenizer.js";

/** Every encoding tokenwise counts exactly, offline. */
export const ENCODING_NAMES: readonly EncodingName[] = [
  "o200k_base",
  "cl100k_base",
  "p50k_base",
  "r50k_base",
];

/** Every tokenizer name: the exact encodings plus the estimated model families. */
export const TOKENIZER_NAMES: readonly TokenizerName[] = [...ENCODING_NAMES, "claude", "gemini"];

/** Builds the tokenizer for one encoding; called at most once per encoding until replaced. */
export type TokenizerFactory = (encoding: EncodingName) => Tokenizer;

/**
 * The default engine: tokenwise's own BPE engine (src/core/tokens/bpe: exact, several times faster,
 * linear on long words) for the encodings every current OpenAI model uses, gpt-tokenizer for
 * the legacy p50k_base and r50k_base.
 */
export const defaultTokenizerFactory: TokenizerFactory = (encoding) =>
  encoding === "o200k_base" || encoding === "cl100k_base"
    ? createBpeTokenizer(encoding)
    : createGptTokenizer(encoding);

const replacedFactories = new Map<EncodingName, TokenizerFactory>();
const loadedTokenizers = new Map<EncodingName, Tokenizer>();

/**
 * True when `value` names an encoding tokenwise counts exactly.
 *
 * @example
 * ```ts
 * isEncodingName("o200k_base"); // true
 * isEncodingName("gpt-4o"); // false: a model name, not an encoding
 * ```
 */
export function isEncodingName(value: unknown): value is EncodingName {
  return typeof value === "string" && (ENCODING_NAMES as readonly string[]).includes(value);
}

/**
 * True when `value` is an encoding name or one of the estimated families ("claude", "gemini").
 *
 * @example
 * ```ts
 * isTokenizerName("claude"); // true
 * ```
 */
export function isTokenizerName(value: unknown): value is TokenizerName {
  return typeof value === "string" && (TOKENIZER_NAMES as readonly string[]).includes(value);
}

/**
 * The exact tokenizer for `encoding`. Its vocabulary loads on first use and is then reused, so
 * importing tokenwise loads none.
 *
 * @example
 * ```ts
 * getTokenizer("cl100k_base").count("tiktoken is great!"); // 6
 * ```
 */
export function getTokenizer(encoding: EncodingName): Tokenizer {
  assertEncodingName("encoding", encoding);
  const loaded = loadedTokenizers.get(encoding);
  if (loaded) {
    return loaded;
  }
  const factory = replacedFactories.get(encoding) ?? defaultTokenizerFactory;
  const tokenizer = factory(encoding);
  if (tokenizer?.encoding !== encoding) {
    throw invalidInput(
      "factory",
      `returned a tokenizer for ${describeValue(tokenizer?.encoding)} when asked for "${encoding}"; the factory must build the encoding it is given`,
    );
  }
  loadedTokenizers.set(encoding, tokenizer);
  return tokenizer;
}

/**
 * Replaces the implementation used for `encoding` (for example gpt-tokenizer's, or your own),
 * or restores the default ({@link defaultTokenizerFactory}) when `factory` is `undefined`. The next
 * {@link getTokenizer} call builds a tokenizer with the new factory.
 *
 * @example
 * ```ts
 * setTokenizerImplementation("o200k_base", (encoding) => createGptTokenizer(encoding));
 * setTokenizerImplementation("o200k_base", undefined); // back to the default
 * ```
 */
export function setTokenizerImplementation(
  encoding: EncodingName,
  factory: TokenizerFactory | undefined,
): void {
  assertEncodingName("encoding", encoding);
  if (factory !== undefined && typeof factory !== "function") {
    throw invalidInput(
      "factory",
      `must be a function (encoding) => Tokenizer, or undefined to restore the default; got ${describeValue(factory)}`,
    );
  }
  if (factory === undefined) {
    replacedFactories.delete(encoding);
  } else {
    replacedFactories.set(encoding, factory);
  }
  loadedTokenizers.delete(encoding);
}

/**
 * The tokenizer an options object asks for: an encoding name, or a ready {@link Tokenizer}.
 *
 * @example
 * ```ts
 * resolveTokenizer("tokenizer", "o200k_base").encoding; // "o200k_base"
 * ```
 */
export function resolveTokenizer(field: string, tokenizer: EncodingName | Tokenizer): Tokenizer {
  if (typeof tokenizer === "string") {
    assertEncodingName(field, tokenizer);
    return getTokenizer(tokenizer);
  }
  if (
    typeof tokenizer === "object" &&
    tokenizer !== null &&
    typeof tokenizer.encode === "function" &&
    typeof tokenizer.decode === "function" &&
    typeof tokenizer.count === "function" &&
    typeof tokenizer.countUpTo === "function"
  ) {
    return tokenizer;
  }
  throw invalidInput(
    field,
    `must be an encoding name (${listNames(ENCODING_NAMES)}) or a Tokenizer, got ${describeValue(tokenizer)}`,
  );
}

/** Throws invalid_input naming `field` unless `value` is an encoding name. */
export function assertEncodingName(field: string, value: unknown): asserts value is EncodingName {
  if (!isEncodingName(value)) {
    throw invalidInput(
      field,
      `must be one of ${listNames(ENCODING_NAMES)}, got ${describeValue(value)}${modelNameHint(value)}`,
    );
  }
}

/** Throws invalid_input naming `field` unless `value` is a tokenizer name. */
export function assertTokenizerName(field: string, value: unknown): asserts value is TokenizerName {
  if (!isTokenizerName(value)) {
    throw invalidInput(
      field,
      `must be one of ${listNames(TOKENIZER_NAMES)}, got ${describeValue(value)}${modelNameHint(value)}`,
    );
  }
}

function listNames(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}

function modelNameHint(value: unknown): string {
  return typeof value === "string" && /^(gpt-|o\d(-|$)|chatgpt-|text-|claude-|gemini-)/i.test(value)
    ? " (that looks like a model name: pass the model's tokenizer, which the catalog lists)"
    : "";
}
