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
}

/**
 * Normalizes Gemini `usageMetadata`. `promptTokenCount` includes `cachedContentTokenCount`;
 * `candidatesTokenCount` EXCLUDES `thoughtsTokenCount`, which Google bills as output, so
 * output = candidates + thoughts and reasoning = thoughts. Tool-use prompt tokens are input
 * reported apart from the prompt, so they are added to `inputTokens`.
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
  return {
    inputTokens,
    cachedInputTokens: cached.value,
    cacheWriteTokens: 0,
    outputTokens: candidatesIncludeThoughts ? candidates.value : candidates.value + thoughts.value,
    reasoningTokens: thoughts.value,
  };
}
