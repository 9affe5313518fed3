import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { createProvider, parseModelReference, resolveModel } from "./provider-registry.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("parseModelReference", () => {
  it("splits known provider prefixes", () => {
    expect(parseModelReference("openai/gpt-4o")).toEqual({ provider: "openai", model: "gpt-4o" });
    expect(parseModelReference("anthropic/claude-haiku-4-5")).toEqual({
      provider: "anthropic",
      model: "claude-haiku-4-5",
    });
    expect(parseModelReference("google/gemini-2.5-flash")).toEqual({
      provider: "gemini",
      model: "gemini-2.5-flash",
    });
    expect(parseModelReference("ollama/llama3:8b")).toEqual({
      provider: "ollama",
      model: "llama3:8b",
    });
  });

  it("uses the catalog's provider name, then the model family", () => {
    expect(parseModelReference("meta-llama/Llama-3-8B", { catalogProvider: "openai" })).toEqual({
      provider: "openai",
      model: "meta-llama/Llama-3-8B",
    });
    expect(parseModelReference("gpt-4o-mini").provider).toBe("openai");
    expect(parseModelReference("o3-mini").provider).toBe("openai");
    expect(parseModelReference("claude-sonnet-4-5").provider).toBe("anthropic");
    expect(parseModelReference("gemini-2.5-pro").provider).toBe("gemini");
  });

  it("asks for a prefix when the model is unknown", () => {
    try {
      parseModelReference("mistral-large");
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "unknown_model")).toBe(true);
      expect((error as Error).message).toContain('"ollama/mistral-large"');
    }
  });
});

describe("createProvider and resolveModel", () => {
  it("builds Ollama as an OpenAI-compatible provider that needs no key", () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const { provider, model } = resolveModel("ollama/llama3");
    expect(provider.name).toBe("ollama");
    expect(model).toBe("llama3");
    expect(provider.embed).toBeTypeOf("function");
  });

  it("passes per-provider options and builds each kind", () => {
    const { provider } = resolveModel("claude-haiku-4-5", {
      providers: { anthropic: { apiKey: "a-key" } },
    });
    expect(provider.name).toBe("anthropic");
    expect(provider.embed).toBeUndefined();
    expect(createProvider({ provider: "gemini", apiKey: "g-key" }).name).toBe("gemini");
    expect(createProvider({ provider: "openai", apiKey: "o-key" }).name).toBe("openai");
  });

  it("fails at creation, naming the variable, when a needed key is missing", () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    expect(() => createProvider({ provider: "anthropic" })).toThrow("set ANTHROPIC_API_KEY");
  });

  it("rejects an unknown catalog provider name", () => {
    expect(() => parseModelReference("x", { catalogProvider: "cohere" })).toThrow(
      'provider "cohere" is not supported',
    );
  });
});
