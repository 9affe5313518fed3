/**
 * Which tokenizer counts a model's tokens, guessed from its name and provider when a price
 * list (such as LiteLLM's) does not say.
 */
import type { Provider, TokenizerName } from "./types.js";

/**
 * Used for model families tokenwise has no tokenizer for (Llama, Mistral, Qwen...): the
 * gemini family is an estimate of about four characters per token, and counts made with it
 * are reported as estimates, never as exact.
 */
export const DEFAULT_ESTIMATE_TOKENIZER: TokenizerName = "gemini";

/** OpenAI families on o200k_base (GPT-4o and later), checked before the cl100k families. */
const O200K_NAMES = [
  /(^|[/.])gpt-4o/,
  /(^|[/.])chatgpt-4o/,
  /(^|[/.])gpt-4\.1/,
  /(^|[/.])gpt-4\.5/,
  /(^|[/.])gpt-5/,
  /(^|[/.])gpt-oss/,
  /(^|[/.])gpt-realtime/,
  /(^|[/.])gpt-audio/,
  /(^|[/.])o[134](-|$)/,
  /(^|[/.])codex-mini/,
  /(^|[/.])computer-use-preview/,
];
const CL100K_NAMES = [
  /(^|[/.])gpt-4/,
  /(^|[/.])gpt-3\.5/,
  /(^|[/.])gpt-35/,
  /(^|[/.])text-embedding-3/,
  /(^|[/.])text-embedding-ada-002/,
  /(^|[/.])(davinci|babbage)-002/,
];
const P50K_NAMES = [/(^|[/.])text-davinci-00[23]/, /(^|[/.])code-davinci/];
const R50K_NAMES = [/(^|[/.])(davinci|curie|babbage|ada)$/];
const GEMINI_NAMES = [
  /gemini/,
  /gemma/,
  /(^|[/.])text-embedding-00[45]/,
  /(^|[/.])text-multilingual-embedding/,
];

export interface InferTokenizerOptions {
  /** The model id or LiteLLM key ("gpt-4o", "gemini/gemini-2.0-flash"). */
  name: string;
  provider?: Provider;
  /** What to return for families tokenwise cannot count (default {@link DEFAULT_ESTIMATE_TOKENIZER}). */
  fallback?: TokenizerName;
}

/**
 * The tokenizer for a model: the exact OpenAI encoding for OpenAI families, the "claude" or
 * "gemini" estimate for those families, and `fallback` for anything else.
 *
 * @example
 * ```ts
 * inferTokenizer({ name: "gpt-4o-mini" }); // "o200k_base"
 * inferTokenizer({ name: "anthropic/claude-3-5-sonnet-20241022" }); // "claude"
 * ```
 */
export function inferTokenizer(options: InferTokenizerOptions): TokenizerName {
  const name = options.name.trim().toLowerCase();
  if (name.includes("claude")) return "claude";
  if (GEMINI_NAMES.some((pattern) => pattern.test(name))) return "gemini";
  if (O200K_NAMES.some((pattern) => pattern.test(name))) return "o200k_base";
  if (CL100K_NAMES.some((pattern) => pattern.test(name))) return "cl100k_base";
  if (P50K_NAMES.some((pattern) => pattern.test(name))) return "p50k_base";
  if (R50K_NAMES.some((pattern) => pattern.test(name))) return "r50k_base";
  if (options.provider === "anthropic") return "claude";
  if (options.provider === "google") return "gemini";
  return options.fallback ?? DEFAULT_ESTIMATE_TOKENIZER;
}
