import { describe, expect, it } from "vitest";
import { defaultCatalog } from "./default-catalog.js";
import { mergeLiteLLMPrices } from "./merge-litellm-prices.js";

/** Entries as LiteLLM's genuine file has them (no last_updated key), with its known bugs. */
const FILE = {
  "claude-3-opus-20240229": {
    litellm_provider: "anthropic",
    mode: "chat",
    max_input_tokens: 200000,
    max_output_tokens: 4096,
    input_cost_per_token: 1.5e-5,
    output_cost_per_token: 7.5e-5,
    cache_read_input_token_cost: 1.5e-6,
    cache_creation_input_token_cost: 1.875e-5,
    cache_creation_input_token_cost_above_1hr: 6e-6,
    supports_vision: true,
    supports_function_calling: true,
    supports_prompt_caching: true,
  },
  "gemini/gemini-2.0-flash": {
    litellm_provider: "gemini",
    mode: "chat",
    max_input_tokens: 1048576,
    max_output_tokens: 8192,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 4e-7,
  },
  "gemini-2.0-flash": {
    litellm_provider: "vertex_ai-language-models",
    mode: "chat",
    max_input_tokens: 1048576,
    max_output_tokens: 8192,
    input_cost_per_token: 1.5e-7,
    output_cost_per_token: 6e-7,
  },
  "gpt-5": {
    litellm_provider: "openai",
    mode: "chat",
    max_input_tokens: 272000,
    max_output_tokens: 128000,
    input_cost_per_token: 1.25e-6,
    output_cost_per_token: 1e-5,
    cache_read_input_token_cost: 1.25e-7,
    supports_reasoning: true,
    supports_vision: true,
  },
  "gpt-4o": {
    litellm_provider: "openai",
    mode: "chat",
    max_input_tokens: 128000,
    max_output_tokens: 16384,
    input_cost_per_token: 2e-6,
    output_cost_per_token: 1e-5,
  },
  "broken/price-as-text": {
    litellm_provider: "openai",
    mode: "chat",
    max_input_tokens: 1000,
    input_cost_per_token: "0.000001",
    output_cost_per_token: 1e-6,
  },
  "acme-new": {
    litellm_provider: "acme",
    mode: "chat",
    max_input_tokens: 8000,
    max_output_tokens: 1000,
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
  },
};

describe("mergeLiteLLMPrices", () => {
  const merge = mergeLiteLLMPrices(FILE, { checked: "2026-07-24" });
  const catalog = defaultCatalog.extend(merge.entries);
  const outcome = (model: string, field: string) =>
    merge.changes.find((change) => change.model === model && change.field === field);

  it("keeps the corrected claude-3-opus 1-hour cache price, showing both", () => {
    expect(catalog.get("claude-3-opus").prices.cacheWrite1h).toBe("30");
    expect(outcome("claude-3-opus-20240229", "prices.cacheWrite1h")).toMatchObject({
      builtIn: "30",
      file: "6",
      outcome: "kept-correction",
      correction: { litellm: "6" },
    });
  });

  it("does not merge the Vertex AI twin into the Gemini API model", () => {
    expect(catalog.get("gemini-2.0-flash").prices.input).toBe("0.1");
    expect(merge.ignored).toContainEqual({
      key: "gemini-2.0-flash",
      model: "gemini-2.0-flash",
      builtFrom: "gemini/gemini-2.0-flash",
    });
  });

  it("keeps gpt-5's 400,000-token window and the batch prices the file lacks", () => {
    const gpt5 = catalog.get("gpt-5");
    expect(gpt5.contextWindow).toBe(400000);
    expect(gpt5.prices.batchInput).toBe("0.625");
    expect(gpt5.capabilities.batch).toBe(true);
    expect(outcome("gpt-5", "contextWindow")?.outcome).toBe("kept-correction");
  });

  it("applies a plain update and adds new models", () => {
    expect(catalog.get("gpt-4o").prices.input).toBe("2");
    expect(outcome("gpt-4o", "prices.input")).toMatchObject({
      builtIn: "2.5",
      file: "2",
      outcome: "updated",
    });
    expect(merge.added).toEqual(["acme-new"]);
  });

  it("reports the entries that failed validation: which and why", () => {
    expect(merge.rejected).toEqual([
      {
        key: "broken/price-as-text",
        reason: "invalid-field",
        detail:
          'input_cost_per_token must be a non-negative number of dollars per token, got "0.000001"',
      },
    ]);
    expect(merge.skippedByReason["invalid-field"]).toBe(1);
  });

  it("lets a newer file that changed a corrected fact on purpose win, showing both", () => {
    const newer = mergeLiteLLMPrices(
      {
        "claude-3-opus-20240229": {
          ...FILE["claude-3-opus-20240229"],
          cache_creation_input_token_cost_above_1hr: 2.5e-5,
        },
      },
      { checked: "2026-11-30" },
    );
    expect(newer.changes).toContainEqual(
      expect.objectContaining({
        field: "prices.cacheWrite1h",
        builtIn: "30",
        file: "25",
        outcome: "file-wins-over-correction",
      }),
    );
    expect(defaultCatalog.extend(newer.entries).get("claude-3-opus").prices.cacheWrite1h).toBe(
      "25",
    );
  });
});
