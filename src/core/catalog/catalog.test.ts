import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { Catalog, createCatalog, type ModelInfo } from "./index.js";

function model(overrides: Partial<ModelInfo> & { id: string }): ModelInfo {
  return {
    provider: "openai",
    displayName: overrides.id,
    mode: "chat",
    tokenizer: "o200k_base",
    contextWindow: 128000,
    maxOutputTokens: 16384,
    prices: { input: "1", output: "2" },
    capabilities: {
      vision: false,
      tools: true,
      reasoning: false,
      promptCaching: false,
      structuredOutput: false,
      batch: false,
    },
    aliases: [],
    source: "test fixture",
    checked: "2026-07-24",
    ...overrides,
  };
}

const fixture = createCatalog([
  model({
    id: "gpt-4o",
    aliases: ["gpt-4o-2024-08-06"],
    prices: { input: "2.5", output: "10", cachedInput: "1.25" },
    capabilities: {
      vision: true,
      tools: true,
      reasoning: false,
      promptCaching: true,
      structuredOutput: true,
      batch: true,
    },
  }),
  model({ id: "gpt-4o-mini", prices: { input: "0.15", output: "0.6" } }),
  model({ id: "gpt-4.1-mini" }),
  model({
    id: "claude-3-5-sonnet-20241022",
    provider: "anthropic",
    tokenizer: "claude",
    aliases: ["claude-3-5-sonnet"],
    deprecationDate: "2025-10-01",
  }),
  model({ id: "gemini-2.0-flash", provider: "google", tokenizer: "gemini" }),
  model({
    id: "text-embedding-3-small",
    mode: "embedding",
    tokenizer: "cl100k_base",
    maxOutputTokens: 0,
    embeddingDimensions: 1536,
  }),
]);

function thrown(action: () => unknown): TokenwiseError {
  try {
    action();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError");
}

describe("Catalog lookups", () => {
  it("finds models by id and alias, ignoring case and surrounding whitespace", () => {
    expect(fixture.get("gpt-4o").id).toBe("gpt-4o");
    expect(fixture.get("  GPT-4o-2024-08-06 ").id).toBe("gpt-4o");
    expect(fixture.get("Claude-3-5-Sonnet").id).toBe("claude-3-5-sonnet-20241022");
    expect(fixture.has("gpt-4o-mini")).toBe(true);
    expect(fixture.has("gpt-5")).toBe(false);
    expect(fixture.find("gpt-5")).toBeUndefined();
    expect(fixture.find("   ")).toBeUndefined();
  });

  it("strips a provider prefix that matches the model's provider", () => {
    expect(fixture.get("openai/gpt-4o").id).toBe("gpt-4o");
    expect(fixture.get("anthropic/claude-3-5-sonnet").id).toBe("claude-3-5-sonnet-20241022");
    expect(fixture.get("gemini/gemini-2.0-flash").id).toBe("gemini-2.0-flash");
    expect(fixture.get("google/gemini-2.0-flash").id).toBe("gemini-2.0-flash");
    expect(fixture.get("models/gemini-2.0-flash").id).toBe("gemini-2.0-flash");
    expect(fixture.find("anthropic/gpt-4o")).toBeUndefined();
    expect(fixture.find("mistral/gpt-4o")).toBeUndefined();
  });

  it("throws unknown_model naming the three closest models", () => {
    const error = thrown(() => fixture.get("gpt-4o-mnii"));
    expect(error.code).toBe("unknown_model");
    expect(error.message).toBe(
      'Unknown model "gpt-4o-mnii". Did you mean gpt-4o-mini, gpt-4.1-mini, gpt-4o?',
    );
    expect(error.details.suggestions).toEqual(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o"]);
    expect(error.details.model).toBe("gpt-4o-mnii");
  });

  it("suggests from the name without its provider prefix", () => {
    const error = thrown(() => fixture.get("openai/gpt-4o-mnii"));
    expect(error.details.suggestions).toEqual(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o"]);
  });

  it("suggests each model once, by its best-matching name", () => {
    const error = thrown(() => fixture.get("claude-3-5-sonet"));
    const suggestions = error.details.suggestions as string[];
    expect(suggestions).toHaveLength(3);
    expect(suggestions[0]).toBe("claude-3-5-sonnet");
    expect(suggestions.filter((name) => name.startsWith("claude"))).toEqual(["claude-3-5-sonnet"]);
  });

  it.each(["claude-3-5-opus", "claude-3.5-opus", "anthropic/claude-3-5-opus-20240620"])(
    "explains that %s was never released",
    (name) => {
      const catalog = createCatalog([
        model({ id: "claude-3-opus-20240229", provider: "anthropic" }),
        model({
          id: "claude-opus-4-20250514",
          provider: "anthropic",
          deprecationDate: "2026-05-14",
        }),
        model({ id: "claude-opus-4-1-20250805", provider: "anthropic" }),
        model({ id: "claude-opus-4-5-20251101", provider: "anthropic" }),
        model({ id: "claude-3-5-sonnet-20241022", provider: "anthropic" }),
      ]);
      const error = thrown(() => catalog.get(name));
      expect(error.code).toBe("unknown_model");
      expect(error.message).toBe(
        `Unknown model "${name}": Anthropic announced Claude 3.5 Opus but never released it. ` +
          "Did you mean claude-3-opus-20240229, claude-opus-4-5-20251101, claude-3-5-sonnet-20241022?",
      );
      expect(error.details.neverReleased).toBe(true);
    },
  );

  it("rejects a missing or empty name as invalid input", () => {
    expect(thrown(() => fixture.get("")).code).toBe("invalid_input");
    expect(thrown(() => fixture.get(undefined as unknown as string)).message).toBe(
      'model must be a model name such as "gpt-4o", got undefined',
    );
  });

  it("returns frozen models so no caller can change the catalog", () => {
    const gpt4o = fixture.get("gpt-4o");
    expect(Object.isFrozen(gpt4o)).toBe(true);
    expect(Object.isFrozen(gpt4o.prices)).toBe(true);
    expect(() => {
      (gpt4o.prices as { input: string }).input = "0";
    }).toThrow(TypeError);
  });

  it("refuses two models with one id", () => {
    expect(() => createCatalog([model({ id: "a" }), model({ id: "A" })])).toThrowError(
      'models contain two models with the id "A"; ids must be unique',
    );
  });

  it("lets an id win over another model's alias", () => {
    const catalog = createCatalog([model({ id: "x", aliases: ["y"] }), model({ id: "y" })]);
    expect(catalog.get("y").id).toBe("y");
  });
});

describe("Catalog.list", () => {
  const ids = (models: ModelInfo[]) => models.map((entry) => entry.id);

  it("leaves deprecated models out unless asked", () => {
    expect(fixture.size).toBe(6);
    expect(ids(fixture.list())).toEqual([
      "gpt-4o",
      "gpt-4o-mini",
      "gpt-4.1-mini",
      "gemini-2.0-flash",
      "text-embedding-3-small",
    ]);
    expect(fixture.list({ includeDeprecated: true })).toHaveLength(6);
  });

  it("filters by provider, mode and capabilities", () => {
    expect(ids(fixture.list({ provider: "google" }))).toEqual(["gemini-2.0-flash"]);
    expect(ids(fixture.list({ mode: "embedding" }))).toEqual(["text-embedding-3-small"]);
    expect(ids(fixture.list({ capability: "vision" }))).toEqual(["gpt-4o"]);
    expect(ids(fixture.list({ capability: ["tools", "batch"] }))).toEqual(["gpt-4o"]);
    expect(
      ids(fixture.list({ provider: "anthropic", capability: "tools", includeDeprecated: true })),
    ).toEqual(["claude-3-5-sonnet-20241022"]);
  });
});

describe("Catalog.extend", () => {
  it("merges a partial override field by field and returns a new catalog", () => {
    const extended = fixture.extend([{ id: "gpt-4o", prices: { input: "2.00" } }]);
    expect(extended.get("gpt-4o").prices).toEqual({
      input: "2.00",
      output: "10",
      cachedInput: "1.25",
    });
    expect(extended.get("gpt-4o").capabilities.vision).toBe(true);
    expect(fixture.get("gpt-4o").prices.input).toBe("2.5");
    expect(extended).not.toBe(fixture);
    expect(extended.size).toBe(6);
  });

  it("applies an override addressed by an alias to the canonical model", () => {
    const extended = fixture.extend([
      { id: "claude-3-5-sonnet", capabilities: { vision: true }, aliases: ["sonnet-3.5"] },
    ]);
    const sonnet = extended.get("sonnet-3.5");
    expect(sonnet.id).toBe("claude-3-5-sonnet-20241022");
    expect(sonnet.capabilities.vision).toBe(true);
    expect(sonnet.capabilities.tools).toBe(true);
    expect(sonnet.aliases).toEqual(["claude-3-5-sonnet", "sonnet-3.5"]);
  });

  it("adds new models, defaulting aliases, display name and capabilities", () => {
    const extended = fixture.extend([
      {
        id: "acme-large",
        provider: "acme",
        mode: "chat",
        tokenizer: "o200k_base",
        contextWindow: 32000,
        maxOutputTokens: 4096,
        prices: { input: "1.00", output: "3.00" },
        capabilities: { tools: true },
        source: "acme.example/pricing",
        checked: "2026-07-01",
      },
    ]);
    const acme = extended.get("ACME-large");
    expect(acme.displayName).toBe("acme-large");
    expect(acme.aliases).toEqual([]);
    expect(acme.capabilities).toEqual({
      vision: false,
      tools: true,
      reasoning: false,
      promptCaching: false,
      structuredOutput: false,
      batch: false,
    });
    expect(extended.size).toBe(7);
  });

  it("says which fields a new model lacks", () => {
    const error = thrown(() => fixture.extend([{ id: "gpt-6", prices: { input: "1" } }]));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe(
      'model "gpt-6" is not in the catalog, so it needs the fields of a new model; missing: ' +
        "provider, mode, tokenizer, contextWindow, maxOutputTokens, source, checked, prices.output. " +
        "To change an existing model, use its id or one of its aliases.",
    );
  });

  it("validates entries and reports every problem with its path", () => {
    const error = thrown(() =>
      fixture.extend([
        { id: "gpt-4o", prices: { input: 2 as unknown as string } },
        { id: "gpt-4o-mini", contextWindow: -1 },
      ]),
    );
    expect(error.message).toBe(
      "Invalid catalog entries (2 problems):\n" +
        '  entries[0].prices.input: must be a decimal string such as "2.50" (US dollars per million tokens), got 2 (a number: write it as a string so it stays exact)\n' +
        "  entries[1].contextWindow: must be a positive whole number of tokens, got -1",
    );
  });

  it("applies entries in order, so a later override sees an earlier one", () => {
    const extended = fixture.extend([
      { id: "gpt-4o", prices: { input: "2.00" } },
      { id: "gpt-4o-2024-08-06", prices: { output: "8.00" } },
    ]);
    expect(extended.get("gpt-4o").prices).toMatchObject({ input: "2.00", output: "8.00" });
  });

  it("resolves provider prefixes for overrides, and never lets an alias capture an id", () => {
    const extended = fixture.extend([
      { id: "openai/gpt-4o-mini", prices: { input: "0.10" } },
      {
        id: "gpt-4o-mini-2",
        provider: "openai",
        mode: "chat",
        tokenizer: "o200k_base",
        contextWindow: 128000,
        maxOutputTokens: 16384,
        prices: { input: "0.2", output: "0.8" },
        aliases: ["gpt-4o"],
        source: "test",
        checked: "2026-07-24",
      },
      { id: "gpt-4o", prices: { output: "9" } },
    ]);
    expect(extended.get("gpt-4o-mini").prices.input).toBe("0.10");
    expect(extended.get("gpt-4o").prices).toEqual({
      input: "2.5",
      output: "9",
      cachedInput: "1.25",
    });
    expect(extended.get("gpt-4o-mini-2").prices).toEqual({ input: "0.2", output: "0.8" });
    expect(extended.size).toBe(7);
  });

  it("is what createCatalog builds on: a Catalog instance", () => {
    expect(fixture).toBeInstanceOf(Catalog);
    expect(fixture.extend([])).toBeInstanceOf(Catalog);
  });
});
