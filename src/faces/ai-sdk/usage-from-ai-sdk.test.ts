import { describe, expect, it } from "vitest";
import { usageFromAiSdk } from "./usage-from-ai-sdk.js";

const none = { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined };
const noOutput = { total: undefined, text: undefined, reasoning: undefined };

describe("usageFromAiSdk", () => {
  it("keeps totals that already include cache reads, writes and reasoning", () => {
    expect(
      usageFromAiSdk({
        inputTokens: { total: 1500, noCache: 200, cacheRead: 1000, cacheWrite: 300 },
        outputTokens: { total: 400, text: 100, reasoning: 300 },
      }),
    ).toEqual({
      inputTokens: 1500,
      cachedInputTokens: 1000,
      cacheWriteTokens: 300,
      outputTokens: 400,
      reasoningTokens: 300,
    });
  });

  it("rebuilds a missing total from its parts", () => {
    expect(
      usageFromAiSdk({
        inputTokens: { ...none, noCache: 50, cacheRead: 25 },
        outputTokens: { ...noOutput, text: 10, reasoning: 5 },
      }),
    ).toEqual({
      inputTokens: 75,
      cachedInputTokens: 25,
      cacheWriteTokens: 0,
      outputTokens: 15,
      reasoningTokens: 5,
    });
  });

  it("returns undefined when nothing was reported", () => {
    expect(usageFromAiSdk({ inputTokens: none, outputTokens: noOutput })).toBeUndefined();
    expect(usageFromAiSdk(undefined)).toBeUndefined();
  });
});
