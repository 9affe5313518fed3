import { invalidInput } from "../errors/index.js";
import { assertSubset, assertUsageObject, readTokenCount } from "./token-count-field.js";
import type { Usage } from "./usage.js";

/** `usage` of an OpenAI Chat Completions response (or of the last stream chunk). */
export interface OpenAIChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null; audio_tokens?: number | null } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number | null;
    audio_tokens?: number | null;
  } | null;
}

/** `usage` of an OpenAI Responses API response. */
export interface OpenAIResponsesUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens?: number;
  input_tokens_details?: { cached_tokens?: number | null; audio_tokens?: number | null } | null;
  output_tokens_details?: {
    reasoning_tokens?: number | null;
    audio_tokens?: number | null;
  } | null;
}

const CHAT_FIELDS = {
  input: "prompt_tokens",
  output: "completion_tokens",
  inputDetails: "prompt_tokens_details",
  outputDetails: "completion_tokens_details",
} as const;

const RESPONSES_FIELDS = {
  input: "input_tokens",
  output: "output_tokens",
  inputDetails: "input_tokens_details",
  outputDetails: "output_tokens_details",
} as const;

/**
 * Normalizes OpenAI usage (Chat Completions or Responses API). OpenAI's totals already
 * include their details: `prompt_tokens` includes the cached tokens and `completion_tokens`
 * includes the reasoning tokens, so the details become subsets, never additions. The
 * `audio_tokens` details of audio models become `audioInputTokens` / `audioOutputTokens`
 * (subsets too), priced at the model's audio rates.
 *
 * @example
 * ```ts
 * usageFromOpenAI({
 *   prompt_tokens: 2006,
 *   completion_tokens: 300,
 *   prompt_tokens_details: { cached_tokens: 1920 },
 * });
 * // { inputTokens: 2006, cachedInputTokens: 1920, cacheWriteTokens: 0,
 * //   outputTokens: 300, reasoningTokens: 0 }
 * ```
 */
export function usageFromOpenAI(usage: OpenAIChatUsage | OpenAIResponsesUsage): Usage {
  assertUsageObject(usage);
  const fields =
    "prompt_tokens" in usage ? CHAT_FIELDS : "input_tokens" in usage ? RESPONSES_FIELDS : undefined;
  if (fields === undefined) {
    throw invalidInput(
      "usage",
      "must have prompt_tokens and completion_tokens (Chat Completions) or input_tokens and " +
        "output_tokens (Responses API)",
    );
  }
  const details = (key: string): unknown => usage[key as keyof typeof usage];
  const input = readTokenCount(usage, { parent: "usage", key: fields.input, required: true });
  const output = readTokenCount(usage, { parent: "usage", key: fields.output, required: true });
  const cached = readTokenCount(details(fields.inputDetails), {
    parent: `usage.${fields.inputDetails}`,
    key: "cached_tokens",
  });
  const reasoning = readTokenCount(details(fields.outputDetails), {
    parent: `usage.${fields.outputDetails}`,
    key: "reasoning_tokens",
  });
  const audioInput = readTokenCount(details(fields.inputDetails), {
    parent: `usage.${fields.inputDetails}`,
    key: "audio_tokens",
  });
  const audioOutput = readTokenCount(details(fields.outputDetails), {
    parent: `usage.${fields.outputDetails}`,
    key: "audio_tokens",
  });
  assertSubset(cached, input);
  assertSubset(reasoning, output);
  assertSubset(audioInput, input);
  assertSubset(audioOutput, output);
  const normalized: Usage = {
    inputTokens: input.value,
    cachedInputTokens: cached.value,
    cacheWriteTokens: 0,
    outputTokens: output.value,
    reasoningTokens: reasoning.value,
  };
  // Cached audio is billed as cached input; only the uncached audio pays the audio rate.
  const uncachedAudio = Math.min(audioInput.value, input.value - cached.value);
  if (uncachedAudio > 0) normalized.audioInputTokens = uncachedAudio;
  const audioOut = Math.min(audioOutput.value, output.value - reasoning.value);
  if (audioOut > 0) normalized.audioOutputTokens = audioOut;
  return normalized;
}
