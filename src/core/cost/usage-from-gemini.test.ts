import { describe, expect, it } from "vitest";
import type { GeminiUsageMetadata } from "./usage-from-gemini.js";
import { usageFromGemini } from "./usage-from-gemini.js";

describe("usageFromGemini", () => {
  it("adds thoughts to candidates for output; reasoning is the thoughts", () => {
    expect(
      usageFromGemini({
        promptTokenCount: 1000,
        cachedContentTokenCount: 600,
        candidatesTokenCount: 200,
        thoughtsTokenCount: 50,
        totalTokenCount: 1250,
      }),
    ).toEqual({
      inputTokens: 1000,
      cachedInputTokens: 600,
      cacheWriteTokens: 0,
      outputTokens: 250,
      reasoningTokens: 50,
    });
  });

  it("reads omitted counts as zero", () => {
    expect(usageFromGemini({ promptTokenCount: 12, totalTokenCount: 12 })).toEqual({
      inputTokens: 12,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("adds tool-use prompt tokens to the input", () => {
    const usage = usageFromGemini({
      promptTokenCount: 151,
      candidatesTokenCount: 1089,
      toolUsePromptTokenCount: 18329,
      thoughtsTokenCount: 1120,
      totalTokenCount: 20689,
    });
    expect(usage).toMatchObject({ inputTokens: 18480, outputTokens: 2209, reasoningTokens: 1120 });
  });

  it("does not add thoughts twice when the total shows candidates include them", () => {
    const usage = usageFromGemini({
      promptTokenCount: 10,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 5,
      totalTokenCount: 20,
    });
    expect(usage).toMatchObject({ inputTokens: 10, outputTokens: 10, reasoningTokens: 5 });
  });

  it("rejects cached content above the prompt", () => {
    expect(() => usageFromGemini({ promptTokenCount: 5, cachedContentTokenCount: 6 })).toThrow(
      "usageMetadata.cachedContentTokenCount (6) must not exceed usageMetadata.promptTokenCount (5)",
    );
  });

  it("rejects thoughts that cannot fit inside candidates the total says include them", () => {
    expect(() =>
      usageFromGemini({
        promptTokenCount: 10,
        candidatesTokenCount: 3,
        thoughtsTokenCount: 5,
        totalTokenCount: 13,
      }),
    ).toThrow(
      /usageMetadata\.thoughtsTokenCount \(5\) cannot be inside usageMetadata\.candidatesTokenCount \(3\)/,
    );
  });

  it.each([
    [{ candidatesTokenCount: 3 }, "usageMetadata.promptTokenCount is missing"],
    [
      { promptTokenCount: 3, thoughtsTokenCount: -1 },
      "usageMetadata.thoughtsTokenCount must be a non-negative integer, got -1",
    ],
  ])("rejects %o", (usage, message) => {
    expect(() => usageFromGemini(usage as GeminiUsageMetadata)).toThrow(message);
  });
});

describe("usageFromGemini: audio", () => {
  it("reads the AUDIO entries of the per-modality details, less the cached ones", () => {
    const usage = usageFromGemini({
      promptTokenCount: 1200,
      candidatesTokenCount: 40,
      cachedContentTokenCount: 200,
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 200 },
        { modality: "AUDIO", tokenCount: 1000 },
      ],
      cacheTokensDetails: [{ modality: "AUDIO", tokenCount: 200 }],
    });
    expect(usage.audioInputTokens).toBe(800);
    expect(usage.audioOutputTokens).toBeUndefined();
  });
});
