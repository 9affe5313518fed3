import { invalidInput } from "../errors/index.js";
import { assertSubset, assertUsageObject, readTokenCount } from "./token-count-field.js";
import type { Usage } from "./usage.js";

/** `usageMetadata` of a Gemini `generateContent` response. Zero counts are often omitted. */
export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  /** Tokens of results that built-in tools (search, code execution) fed back as input. */
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
  /** Prompt tokens per modality (`[{ modality: "AUDIO", tokenCount }]`). */
  promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }> | null;
  /** Cached prompt tokens per modality. */
  cacheTokensDetails?: Array<{ modality?: string; tokenCount?: number }> | null;
  /** Output tokens per modality. */
  candidatesTokensDetails?: Array<{ modality?: string; tokenCount?: number }> | null;
}

/**
 * Normalizes Gemini `usageMetadata`. `promptTokenCount` includes `cachedContentTokenCount`;
 * `candidatesTokenCount` EXCLUDES `thoughtsTokenCount`, which Google bills as output, so
 * output = candidates + thoughts and reasoning = thoughts. Tool-use prompt tokens are input
 * reported apart from the prompt, so they are added to `inputTokens`.
 *
 * Audio: the `AUDIO` entries of `promptTokensDetails` (less the cached ones of
 * `cacheTokensDetails`) become `audioInputTokens`, and of `candidatesTokensDetails`
 * `audioOutputTokens`, priced at the model's audio rates; `IMAGE` entries of
 * `candidatesTokensDetails` (image models) become `imageOutputTokens`.
 *
 * Some Vertex responses have counted thoughts inside `candidatesTokenCount`; when
 * `totalTokenCount` shows that (prompt + tool use + candidates = total), thoughts are not
 * added a second time.
 *
 * @example
 * ```ts
 * usageFromGemini({ promptTokenCount: 1000, candidatesTokenCount: 200, thoughtsTokenCount: 50 });
 * // { inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0,
 * //   outputTokens: 250, reasoningTokens: 50 }
 * ```
 */
export function usageFromGemini(usageMetadata: GeminiUsageMetadata): Usage {
  assertUsageObject(usageMetadata);
  const field = (key: keyof GeminiUsageMetadata, required = false) =>
    readTokenCount(usageMetadata, { parent: "usageMetadata", key, required });
  const prompt = field("promptTokenCount", true);
  const cached = field("cachedContentTokenCount");
  const candidates = field("candidatesTokenCount");
  const thoughts = field("thoughtsTokenCount");
  const toolUsePrompt = field("toolUsePromptTokenCount");
  const total = field("totalTokenCount");
  assertSubset(cached, prompt);
  const inputTokens = prompt.value + toolUsePrompt.value;
  const candidatesIncludeThoughts =
    thoughts.value > 0 && total.value > 0 && inputTokens + candidates.value === total.value;
  if (candidatesIncludeThoughts && thoughts.value > candidates.value) {
    throw invalidInput(
      thoughts.path,
      `(${thoughts.value}) cannot be inside ${candidates.path} (${candidates.value}) as ` +
        `${total.path} (${total.value}) implies`,
    );
  }
  const outputTokens = candidatesIncludeThoughts
    ? candidates.value
    : candidates.value + thoughts.value;
  const usage: Usage = {
    inputTokens,
    cachedInputTokens: cached.value,
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: thoughts.value,
  };
  const audioIn = Math.min(
    audioCount(usageMetadata.promptTokensDetails) - audioCount(usageMetadata.cacheTokensDetails),
    inputTokens - cached.value,
  );
  if (audioIn > 0) usage.audioInputTokens = audioIn;
  const audioOut = Math.min(
    audioCount(usageMetadata.candidatesTokensDetails),
    outputTokens - thoughts.value,
  );
  if (audioOut > 0) usage.audioOutputTokens = audioOut;
  const imageOut = Math.min(
    modalityCount(usageMetadata.candidatesTokensDetails, "IMAGE"),
    outputTokens - thoughts.value - audioOut,
  );
  if (imageOut > 0) usage.imageOutputTokens = imageOut;
  return usage;
}

function audioCount(details: unknown): number {
  return modalityCount(details, "AUDIO");
}

/** The count of one modality in a per-modality list (0 when absent or malformed). */
function modalityCount(details: unknown, modality: string): number {
  if (!Array.isArray(details)) return 0;
  let total = 0;
  for (const entry of details) {
    const record = entry as { modality?: unknown; tokenCount?: unknown } | null;
    const count = record?.tokenCount;
    if (
      record?.modality === modality &&
      typeof count === "number" &&
      Number.isSafeInteger(count) &&
      count > 0
    ) {
      total += count;
    }
  }
  return total;
}
