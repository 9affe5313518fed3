import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { type CatalogIssue, isCompleteModel, parseCatalogFile } from "./index.js";

const newModel = {
  id: "acme-large",
  provider: "acme",
  displayName: "Acme Large",
  mode: "chat",
  tokenizer: "o200k_base",
  contextWindow: 32000,
  maxOutputTokens: 4096,
  prices: { input: "1.00", output: "3.00" },
  capabilities: {
    vision: false,
    tools: true,
    reasoning: false,
    promptCaching: false,
    structuredOutput: true,
    batch: false,
  },
  aliases: ["acme-l"],
  source: "https://acme.example/pricing",
  checked: "2026-07-01",
};

function failure(json: unknown, source?: string): TokenwiseError {
  try {
    parseCatalogFile(json, source === undefined ? {} : { source });
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected parseCatalogFile to throw");
}

describe("parseCatalogFile", () => {
  it("returns complete models and partial overrides as given", () => {
    const entries = parseCatalogFile({
      models: [newModel, { id: "gpt-4o", prices: { input: "2.00" } }],
    });
    expect(entries).toEqual([newModel, { id: "gpt-4o", prices: { input: "2.00" } }]);
    expect(entries.map(isCompleteModel)).toEqual([true, false]);
  });

  it("fills source and checked from the file's top level, then from options", () => {
    const entries = parseCatalogFile(
      {
        checked: "2026-07-01",
        models: [
          { id: "gpt-4o", prices: { input: "2.00" } },
          { id: "o1", source: "own" },
        ],
      },
      { source: "prices.json" },
    );
    expect(entries).toEqual([
      { id: "gpt-4o", prices: { input: "2.00" }, source: "prices.json", checked: "2026-07-01" },
      { id: "o1", source: "own", checked: "2026-07-01" },
    ]);
    const fromFile = parseCatalogFile(
      { source: "contract 2026", models: [{ id: "gpt-4o" }] },
      { source: "prices.json" },
    );
    expect(fromFile).toEqual([{ id: "gpt-4o", source: "contract 2026" }]);
  });

  it("reports every bad field with its path, all at once", () => {
    const error = failure(
      {
        models: [
          newModel,
          { id: "gpt-4o", prices: { input: "2.50" } },
          { id: "o1", mode: "completion" },
          { id: "gpt-4o-mini", prices: { input: 2.5, output: "$10" } },
          { id: "gemini-1.5-pro", tiers: [{ aboveInputTokens: 128000.5, input: "2.5" }] },
          { prices: { input: "1" } },
          { id: "claude-3-opus", deprecationDate: "2026-02-30", checked: "July 2026" },
        ],
      },
      "my-prices.json",
    );
    expect(error.code).toBe("invalid_input");
    const issues = error.details.issues as CatalogIssue[];
    expect(issues).toEqual([
      { path: "models[2].mode", message: 'must be one of "chat", "embedding", got "completion"' },
      {
        path: "models[3].prices.input",
        message:
          'must be a decimal string such as "2.50" (US dollars per million tokens), got 2.5 (a number: write it as a string so it stays exact)',
      },
      {
        path: "models[3].prices.output",
        message:
          'must be a decimal string such as "2.50" (US dollars per million tokens), got "$10"',
      },
      {
        path: "models[4].tiers[0].aboveInputTokens",
        message: "must be a positive whole number of tokens, got 128000.5",
      },
      {
        path: "models[4].tiers[0].output",
        message: 'is required: a decimal string such as "2.50"',
      },
      { path: "models[5].id", message: "is required: every entry names the model it is about" },
      {
        path: "models[6].deprecationDate",
        message: 'must be an ISO date such as "2026-07-24", got "2026-02-30"',
      },
      {
        path: "models[6].checked",
        message: 'must be an ISO date such as "2026-07-24", got "July 2026"',
      },
    ]);
    expect(error.message.split("\n").slice(0, 3)).toEqual([
      "Invalid catalog file my-prices.json (8 problems):",
      '  models[2].mode: must be one of "chat", "embedding", got "completion"',
      '  models[3].prices.input: must be a decimal string such as "2.50" (US dollars per million tokens), got 2.5 (a number: write it as a string so it stays exact)',
    ]);
    expect(error.details.source).toBe("my-prices.json");
  });

  it("names unknown fields and suggests the likely one", () => {
    const error = failure({
      models: [
        { id: "gpt-4o", prise: { input: "1" } },
        { id: "o1", prices: { inptu: "1" }, capabilities: { vision: "yes", telepathy: true } },
      ],
    });
    const issues = error.details.issues as CatalogIssue[];
    expect(issues.map((issue) => issue.path)).toEqual([
      "models[0].prise",
      "models[1].prices.inptu",
      "models[1].capabilities.vision",
      "models[1].capabilities.telepathy",
    ]);
    expect(issues[0]?.message).toMatch(
      /^is not a known field; did you mean "prices"\? \(known fields: id, provider, /,
    );
    expect(issues[1]?.message).toMatch(/^is not a known field; did you mean "input"\?/);
    expect(issues[2]?.message).toBe('must be true or false, got "yes"');
    expect(issues[3]?.message).toBe(
      "is not a known field (known fields: vision, tools, reasoning, promptCaching, structuredOutput, batch)",
    );
  });

  it("refuses a name used twice, whatever its case", () => {
    const error = failure({
      models: [
        newModel,
        { id: "ACME-L", prices: { input: "1" } },
        { id: "o1", aliases: ["acme-large"] },
      ],
    });
    expect(error.details.issues).toEqual([
      {
        path: "models[1].id",
        message: '"ACME-L" is already used by models[0].aliases[0]; give each model its own names',
      },
      {
        path: "models[2].aliases[0]",
        message: '"acme-large" is already used by models[0].id; give each model its own names',
      },
    ]);
  });

  it.each([
    [null, '(file): must be a JSON object such as { "models": [ ... ] }, got null'],
    [[], '(file): must be a JSON object such as { "models": [ ... ] }, got a list'],
    [
      { model: [] },
      "model: is not a known top-level field (known: models, source, checked, $schema)",
    ],
    [{ models: {} }, "models: must be a list of model entries, got an object"],
    [{ models: ["gpt-4o"] }, 'models[0]: must be an object with the model\'s fields, got "gpt-4o"'],
    [
      { checked: "2026-13-01", models: [] },
      'checked: must be an ISO date such as "2026-07-24", got "2026-13-01"',
    ],
  ])("rejects the malformed file %j", (json, line) => {
    expect(failure(json).message).toContain(`  ${line}`);
  });

  it("accepts an empty list of models", () => {
    expect(parseCatalogFile({ $schema: "./catalog.schema.json", models: [] })).toEqual([]);
  });
});
