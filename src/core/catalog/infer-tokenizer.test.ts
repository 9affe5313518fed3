import { describe, expect, it } from "vitest";
import { DEFAULT_ESTIMATE_TOKENIZER, inferTokenizer } from "./infer-tokenizer.js";

describe("inferTokenizer", () => {
  it.each([
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-mini-2024-07-18", "o200k_base"],
    ["chatgpt-4o-latest", "o200k_base"],
    ["gpt-4.1-nano", "o200k_base"],
    ["gpt-4.5-preview", "o200k_base"],
    ["gpt-5.4-mini", "o200k_base"],
    ["o1", "o200k_base"],
    ["o1-mini", "o200k_base"],
    ["o3-pro-2025-06-10", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["azure/o3", "o200k_base"],
    ["openrouter/openai/gpt-oss-120b", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo-2024-04-09", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["azure/gpt-35-turbo", "cl100k_base"],
    ["text-embedding-3-large", "cl100k_base"],
    ["text-embedding-ada-002", "cl100k_base"],
    ["davinci-002", "cl100k_base"],
    ["text-davinci-003", "p50k_base"],
    ["davinci", "r50k_base"],
    ["claude-3-5-sonnet-20241022", "claude"],
    ["us.anthropic.claude-opus-4-1-20250805-v1:0", "claude"],
    ["gemini/gemini-2.0-flash", "gemini"],
    ["vertex_ai/gemma-3-27b-it", "gemini"],
    ["text-embedding-004", "gemini"],
  ])("counts %s with %s", (name, tokenizer) => {
    expect(inferTokenizer({ name })).toBe(tokenizer);
  });

  it("falls back on the provider, then on the estimate", () => {
    expect(inferTokenizer({ name: "some-new-model", provider: "anthropic" })).toBe("claude");
    expect(inferTokenizer({ name: "some-new-model", provider: "google" })).toBe("gemini");
    expect(inferTokenizer({ name: "mistral-large", provider: "mistral" })).toBe(
      DEFAULT_ESTIMATE_TOKENIZER,
    );
    expect(inferTokenizer({ name: "mistral-large", fallback: "cl100k_base" })).toBe("cl100k_base");
  });

  it("does not take an o-series look-alike for OpenAI", () => {
    expect(inferTokenizer({ name: "foo1", provider: "acme" })).toBe("gemini");
    expect(inferTokenizer({ name: "acme/o1x", provider: "acme" })).toBe("gemini");
  });
});
