import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { createCatalog, parseLiteLLMPrices, readLiteLLMPrices } from "./index.js";

/**
 * Entries copied by hand from LiteLLM's model_prices_and_context_window.json (mirror of
 * 2026-07-24), trimmed of fields the parser ignores, plus a few broken ones.
 */
const fixture = {
  sample_spec: {
    input_cost_per_token: 0,
    litellm_provider: "one of https://docs.litellm.ai/docs/providers",
    max_tokens: "LEGACY parameter. set to max_output_tokens if provider specifies it.",
    mode: "one of: chat, embedding, completion, image_generation, audio_transcription",
    output_cost_per_token: 0,
  },
  "gpt-4o": {
    cache_read_input_token_cost: 0.00000125,
    cache_read_input_token_cost_priority: 0.000002125,
    input_cost_per_token: 0.0000025,
    input_cost_per_token_batches: 0.00000125,
    input_cost_per_token_priority: 0.00000425,
    litellm_provider: "openai",
    max_input_tokens: 128000,
    max_output_tokens: 16384,
    max_tokens: 16384,
    mode: "chat",
    output_cost_per_token: 0.00001,
    output_cost_per_token_batches: 0.000005,
    supports_function_calling: true,
    supports_prompt_caching: true,
    supports_response_schema: true,
    supports_vision: true,
  },
  "claude-3-7-sonnet-20250219": {
    cache_creation_input_token_cost: 0.00000375,
    cache_creation_input_token_cost_above_1hr: 0.000006,
    cache_read_input_token_cost: 3e-7,
    deprecation_date: "2026-02-19",
    input_cost_per_token: 0.000003,
    litellm_provider: "anthropic",
    max_input_tokens: 200000,
    max_output_tokens: 64000,
    max_tokens: 64000,
    mode: "chat",
    output_cost_per_token: 0.000015,
    supports_function_calling: true,
    supports_prompt_caching: true,
    supports_reasoning: true,
    supports_response_schema: true,
    supports_vision: true,
  },
  "gemini/gemini-2.5-pro": {
    cache_read_input_token_cost: 1.25e-7,
    cache_read_input_token_cost_above_200k_tokens: 2.5e-7,
    input_cost_per_token: 0.00000125,
    input_cost_per_token_above_200k_tokens: 0.0000025,
    input_cost_per_token_above_200k_tokens_priority: 0.0000025,
    litellm_provider: "gemini",
    max_input_tokens: 1048576,
    max_output_tokens: 65535,
    max_tokens: 65535,
    mode: "chat",
    output_cost_per_token: 0.00001,
    output_cost_per_token_above_200k_tokens: 0.000015,
    source: "https://cloud.google.com/vertex-ai/generative-ai/pricing",
    supports_function_calling: true,
    supports_reasoning: true,
    supports_vision: true,
  },
  "gemini/gemini-2.5-flash": {
    cache_read_input_token_cost: 3e-8,
    input_cost_per_token: 3e-7,
    litellm_provider: "gemini",
    max_input_tokens: 1048576,
    max_output_tokens: 65535,
    mode: "chat",
    output_cost_per_reasoning_token: 0.0000025,
    output_cost_per_token: 0.0000025,
  },
  "o1-pro": {
    input_cost_per_token: 0.00015,
    input_cost_per_token_batches: 0.000075,
    litellm_provider: "openai",
    max_input_tokens: 200000,
    max_output_tokens: 100000,
    max_tokens: 100000,
    mode: "responses",
    output_cost_per_token: 0.0006,
    output_cost_per_token_batches: 0.0003,
    supports_reasoning: true,
  },
  "text-embedding-3-small": {
    input_cost_per_token: 2e-8,
    input_cost_per_token_batches: 1e-8,
    litellm_provider: "openai",
    max_input_tokens: 8191,
    max_tokens: 8191,
    mode: "embedding",
    output_cost_per_token: 0,
    output_cost_per_token_batches: 0,
    output_vector_size: 1536,
  },
  "dashscope/qwen-flash": {
    litellm_provider: "dashscope",
    max_input_tokens: 997952,
    max_output_tokens: 32768,
    max_tokens: 32768,
    mode: "chat",
    tiered_pricing: [
      { input_cost_per_token: 5e-8, output_cost_per_token: 4e-7, range: [0, 256000] },
      { input_cost_per_token: 2.5e-7, output_cost_per_token: 0.000002, range: [256000, 1000000] },
    ],
  },
  "dall-e-3": {
    input_cost_per_image: 0.04,
    litellm_provider: "openai",
    mode: "image_generation",
  },
  "whisper-1": {
    input_cost_per_second: 0.0001,
    litellm_provider: "openai",
    mode: "audio_transcription",
    output_cost_per_second: 0.0001,
  },
  "fireworks-ai-default": {
    input_cost_per_token: 0,
    litellm_provider: "fireworks_ai",
    output_cost_per_token: 0,
  },
  "together_ai/BAAI/bge-base-en-v1.5": {
    input_cost_per_token: 8e-9,
    litellm_provider: "together_ai",
    max_input_tokens: 512,
    mode: "embedding",
    output_cost_per_token: 0,
    output_vector_size: 768,
  },
  "together_ai/baai/bge-base-en-v1.5": {
    input_cost_per_token: 8e-9,
    litellm_provider: "together_ai",
    max_input_tokens: 512,
    mode: "embedding",
    output_cost_per_token: 0,
    output_vector_size: 768,
  },
  "broken/price-as-text": {
    input_cost_per_token: "0.000001",
    litellm_provider: "broken",
    max_tokens: 1000,
    output_cost_per_token: 0.000002,
  },
  "mistral/mistral-large-latest": {
    input_cost_per_token: 0.000002,
    litellm_provider: "mistral",
    max_input_tokens: 128000,
    max_output_tokens: 128000,
    mode: "chat",
    output_cost_per_token: 0.000006,
  },
  last_updated: "2026-07-24T18:23:43.215560+00:00",
};

describe("readLiteLLMPrices", () => {
  const result = readLiteLLMPrices(fixture, { source: "litellm test fixture" });
  const byId = new Map(result.models.map((model) => [model.id, model]));

  it("converts token-priced chat and embedding entries and reports the rest", () => {
    expect(result.models.map((model) => model.id)).toEqual([
      "gpt-4o",
      "claude-3-7-sonnet-20250219",
      "gemini/gemini-2.5-pro",
      "gemini/gemini-2.5-flash",
      "o1-pro",
      "text-embedding-3-small",
      "dashscope/qwen-flash",
      "together_ai/BAAI/bge-base-en-v1.5",
      "mistral/mistral-large-latest",
    ]);
    expect(result.skipped).toEqual([
      {
        key: "sample_spec",
        reason: "documentation",
        detail: "LiteLLM's description of the file format",
      },
      {
        key: "dall-e-3",
        reason: "no-token-prices",
        detail: "no input_cost_per_token",
      },
      {
        key: "whisper-1",
        reason: "unsupported-mode",
        detail: 'mode "audio_transcription" is not priced per text token',
      },
      {
        key: "fireworks-ai-default",
        reason: "no-context-window",
        detail: "no max_input_tokens or max_tokens",
      },
      {
        key: "together_ai/baai/bge-base-en-v1.5",
        reason: "duplicate",
        detail: 'same name as "together_ai/BAAI/bge-base-en-v1.5" once case is ignored',
      },
      {
        key: "broken/price-as-text",
        reason: "invalid-field",
        detail:
          'input_cost_per_token must be a non-negative number of dollars per token, got "0.000001"',
      },
    ]);
    expect(result.skippedByReason).toEqual({
      documentation: 1,
      "unsupported-mode": 1,
      "no-token-prices": 1,
      "no-context-window": 1,
      duplicate: 1,
      "invalid-field": 1,
    });
  });

  it("takes the check date from last_updated when none is given", () => {
    expect(result.checked).toBe("2026-07-24");
    expect(byId.get("gpt-4o")?.checked).toBe("2026-07-24");
  });

  it("converts gpt-4o's per-token floats to exact prices per million", () => {
    expect(byId.get("gpt-4o")).toEqual({
      id: "gpt-4o",
      provider: "openai",
      displayName: "gpt-4o",
      mode: "chat",
      tokenizer: "o200k_base",
      contextWindow: 128000,
      maxOutputTokens: 16384,
      prices: {
        input: "2.5",
        output: "10",
        cachedInput: "1.25",
        batchInput: "1.25",
        batchOutput: "5",
      },
      capabilities: {
        vision: true,
        tools: true,
        reasoning: false,
        promptCaching: true,
        structuredOutput: true,
        batch: true,
      },
      aliases: [],
      source: 'litellm test fixture, entry "gpt-4o"',
      checked: "2026-07-24",
    });
  });

  it("reads Anthropic cache prices and the deprecation date", () => {
    const claude = byId.get("claude-3-7-sonnet-20250219");
    expect(claude?.provider).toBe("anthropic");
    expect(claude?.tokenizer).toBe("claude");
    expect(claude?.prices).toEqual({
      input: "3",
      output: "15",
      cachedInput: "0.3",
      cacheWrite: "3.75",
      cacheWrite1h: "6",
    });
    expect(claude?.deprecationDate).toBe("2026-02-19");
    expect(claude?.capabilities.reasoning).toBe(true);
  });

  it("turns *_above_200k_tokens fields into a tier, ignoring priority variants", () => {
    const gemini = byId.get("gemini/gemini-2.5-pro");
    expect(gemini?.provider).toBe("google");
    expect(gemini?.tokenizer).toBe("gemini");
    expect(gemini?.tiers).toEqual([
      { aboveInputTokens: 200000, input: "2.5", output: "15", cachedInput: "0.25" },
    ]);
    expect(gemini?.source).toBe(
      'litellm test fixture, entry "gemini/gemini-2.5-pro" (cites https://cloud.google.com/vertex-ai/generative-ai/pricing)',
    );
  });

  it("records a reasoning price only where it differs from output", () => {
    expect(byId.get("gemini/gemini-2.5-flash")?.prices.reasoning).toBeUndefined();
    expect(byId.get("gemini/gemini-2.5-flash")?.maxOutputTokens).toBe(65535);
  });

  it("turns tiered_pricing ranges into base prices and tiers", () => {
    const qwen = byId.get("dashscope/qwen-flash");
    expect(qwen?.prices).toEqual({ input: "0.05", output: "0.4" });
    expect(qwen?.tiers).toEqual([{ aboveInputTokens: 256000, input: "0.25", output: "2" }]);
  });

  it("keeps Responses-only models as chat models with a note", () => {
    const pro = byId.get("o1-pro");
    expect(pro?.mode).toBe("chat");
    expect(pro?.notes).toBe('Served by the Responses API only (LiteLLM mode "responses").');
    expect(pro?.prices).toMatchObject({ input: "150", output: "600", batchInput: "75" });
  });

  it("reads embeddings with their vector size and no output", () => {
    const embedding = byId.get("text-embedding-3-small");
    expect(embedding?.mode).toBe("embedding");
    expect(embedding?.tokenizer).toBe("cl100k_base");
    expect(embedding?.embeddingDimensions).toBe(1536);
    expect(embedding?.maxOutputTokens).toBe(0);
    expect(embedding?.prices).toEqual({
      input: "0.02",
      output: "0",
      batchInput: "0.01",
      batchOutput: "0",
    });
  });

  it("uses the estimate tokenizer for families it cannot count, unless told otherwise", () => {
    expect(byId.get("mistral/mistral-large-latest")?.tokenizer).toBe("gemini");
    const withFallback = parseLiteLLMPrices(fixture, { defaultTokenizer: "o200k_base" });
    expect(
      withFallback.find((model) => model.id === "mistral/mistral-large-latest")?.tokenizer,
    ).toBe("o200k_base");
  });

  it("feeds a catalog that resolves prefixed keys both ways", () => {
    const catalog = createCatalog(parseLiteLLMPrices(fixture));
    expect(catalog.get("gemini/gemini-2.5-pro").id).toBe("gemini/gemini-2.5-pro");
    expect(catalog.get("anthropic/claude-3-7-sonnet-20250219").prices.cacheWrite).toBe("3.75");
    expect(catalog.size).toBe(9);
  });
});

describe("readLiteLLMPrices errors", () => {
  it("needs a check date when the file has no last_updated", () => {
    const { last_updated: _, ...undated } = fixture;
    expect(() => parseLiteLLMPrices(undated)).toThrowError(
      /^checked is required: pass the ISO date the LiteLLM file was downloaded/,
    );
    expect(parseLiteLLMPrices(undated, { checked: "2026-08-01" })[0]?.checked).toBe("2026-08-01");
  });

  it("rejects a malformed check date", () => {
    expect(() => parseLiteLLMPrices(fixture, { checked: "24/07/2026" })).toThrowError(
      'checked must be an ISO date such as "2026-07-24", got "24/07/2026"',
    );
  });

  it.each([[null], [[]], ["gpt-4o"]])("rejects %j as a whole file", (json) => {
    try {
      parseLiteLLMPrices(json);
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
      expect((error as Error).message).toMatch(
        /^LiteLLM prices must be the JSON object of model_prices_and_context_window\.json/,
      );
    }
  });
});
