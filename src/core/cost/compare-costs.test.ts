import { describe, expect, it } from "vitest";
import { usd } from "../money/index.js";
import { compareCosts } from "./compare-costs.js";
import { fixtureCatalog } from "./test-support/fixture-models.js";

const catalog = fixtureCatalog();
const PROMPT = "Explain quantum computing in detail with examples...";

describe("compareCosts", () => {
  it("sorts by total cost and marks the cheapest that fits", () => {
    const rows = compareCosts({
      input: PROMPT,
      expectedOutputTokens: 500,
      models: ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"],
      catalog,
    });
    expect(rows.map((row) => row.model)).toEqual([
      "gpt-4o-mini",
      "gpt-4o",
      "claude-3-5-sonnet-20241022",
    ]);
    expect(rows.map((row) => row.cheapestThatFits)).toEqual([true, false, false]);
    expect(rows[0]?.outputCost).toBe(usd("0.0003")); // 500 × $0.60/M
  });

  it("marks the cheapest row that fits, even when cheaper rows do not fit", () => {
    const rows = compareCosts({
      input: PROMPT,
      expectedOutputTokens: 20_000,
      models: ["o1", "gpt-4o-mini", "gemini-2.0-flash"],
      catalog,
    });
    expect(rows.map((row) => [row.model, row.fits, row.cheapestThatFits])).toEqual([
      ["gemini-2.0-flash", false, false],
      ["gpt-4o-mini", false, false],
      ["o1", true, true],
    ]);
  });

  it("marks no row when none fits", () => {
    const rows = compareCosts({
      input: PROMPT,
      expectedOutputTokens: 200_000,
      models: ["o1", "gpt-4o"],
      catalog,
    });
    expect(rows.some((row) => row.cheapestThatFits)).toBe(false);
  });

  it("compares every current chat model by default: no deprecated, no embedding models", () => {
    const rows = compareCosts({ input: PROMPT, catalog });
    expect(rows.map((row) => row.model).sort()).toEqual([
      "claude-opus-4-5-20251101",
      "claude-sonnet-4-5-20250929",
      "gemini-2.5-flash-lite",
      "gemini-2.5-pro",
      "gpt-4.1",
      "gpt-4o",
      "gpt-4o-mini",
      "o1",
      "o3",
    ]);
    expect(rows.filter((row) => row.cheapestThatFits)).toHaveLength(1);
    for (let index = 1; index < rows.length; index++) {
      expect(rows[index - 1]?.totalCost ?? 0n).toBeLessThanOrEqual(rows[index]?.totalCost ?? 0n);
    }
  });

  it("gives one row for two names of one model", () => {
    const rows = compareCosts({
      input: PROMPT,
      models: ["claude-3-5-sonnet", "claude-3-5-sonnet-latest"],
      catalog,
    });
    expect(rows).toHaveLength(1);
  });

  it("passes on the catalog's unknown_model error with its suggestions", () => {
    expect(() =>
      compareCosts({ input: PROMPT, models: ["gpt-4o", "gpt-4o-mnii"], catalog }),
    ).toThrow(
      expect.objectContaining({
        code: "unknown_model",
        details: expect.objectContaining({ suggestions: expect.arrayContaining(["gpt-4o"]) }),
      }),
    );
  });

  it("reports every unknown name at once", () => {
    expect(() =>
      compareCosts({ input: PROMPT, models: ["gpt-4o-mnii", "claude-9"], catalog }),
    ).toThrow(/^2 unknown models: Unknown model "gpt-4o-mnii"\.(.*) Unknown model "claude-9"\./);
  });

  it("rejects an embedding model and an empty list", () => {
    expect(() =>
      compareCosts({ input: PROMPT, models: ["text-embedding-3-small"], catalog }),
    ).toThrow("models[0] names text-embedding-3-small, an embedding model, not a chat model");
    expect(() => compareCosts({ input: PROMPT, models: [], catalog })).toThrow(
      "models must be a non-empty array of model names",
    );
  });
});
