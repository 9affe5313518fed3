import { describe, expect, it } from "vitest";
import type { ModelInfo } from "./index.js";
import { isCompleteModel, mergeModel } from "./index.js";

const base: ModelInfo = {
  id: "claude-3-5-sonnet-20241022",
  provider: "anthropic",
  displayName: "Claude 3.5 Sonnet",
  mode: "chat",
  tokenizer: "claude",
  contextWindow: 200000,
  maxOutputTokens: 8192,
  prices: { input: "3", output: "15", cachedInput: "0.3", cacheWrite: "3.75" },
  tiers: [{ aboveInputTokens: 200000, input: "6", output: "22.5" }],
  capabilities: {
    vision: true,
    tools: true,
    reasoning: false,
    promptCaching: true,
    structuredOutput: true,
    batch: false,
  },
  aliases: ["claude-3-5-sonnet"],
  source: "LiteLLM",
  checked: "2026-03-12",
};

describe("mergeModel", () => {
  it("replaces given fields, merges prices and capabilities key by key", () => {
    const merged = mergeModel(base, {
      id: "claude-3-5-sonnet",
      prices: { output: "14" },
      capabilities: { batch: true },
      maxOutputTokens: 4096,
      checked: "2026-07-01",
    });
    expect(merged).toEqual({
      ...base,
      prices: { input: "3", output: "14", cachedInput: "0.3", cacheWrite: "3.75" },
      capabilities: { ...base.capabilities, batch: true },
      maxOutputTokens: 4096,
      checked: "2026-07-01",
    });
    expect(base.prices.output).toBe("15");
  });

  it("replaces tiers as a whole: an empty list removes them", () => {
    expect(mergeModel(base, { id: base.id, tiers: [] }).tiers).toEqual([]);
  });

  it("adds aliases without repeating names, in any case", () => {
    const merged = mergeModel(base, {
      id: base.id,
      aliases: ["Claude-3-5-Sonnet", "sonnet", "CLAUDE-3-5-SONNET-20241022"],
    });
    expect(merged.aliases).toEqual(["claude-3-5-sonnet", "sonnet"]);
  });

  it("puts the override's source before the model's", () => {
    expect(mergeModel(base, { id: base.id, source: "contract.json" }).source).toBe(
      "contract.json; LiteLLM",
    );
    expect(mergeModel(base, { id: base.id, source: "LiteLLM" }).source).toBe("LiteLLM");
  });

  it("ignores fields set to undefined", () => {
    expect(
      mergeModel(base, { id: base.id, notes: undefined, prices: { input: undefined } }),
    ).toEqual(base);
  });
});

describe("isCompleteModel", () => {
  it("tells complete models from partial overrides", () => {
    expect(isCompleteModel(base)).toBe(true);
    expect(isCompleteModel({ id: "x", prices: { input: "1", output: "2" } })).toBe(false);
    const { batch: _, ...fiveCapabilities } = base.capabilities;
    expect(isCompleteModel({ ...base, capabilities: fiveCapabilities })).toBe(false);
  });
});
