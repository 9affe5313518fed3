import { describe, expect, it } from "vitest";
import { addUsage, assertValidUsage, emptyUsage, type Usage } from "./usage.js";

const usage = (fields: Partial<Usage>): Usage => ({ ...emptyUsage(), ...fields });

describe("emptyUsage", () => {
  it("has every count at zero", () => {
    expect(emptyUsage()).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("returns a fresh object each time", () => {
    const first = emptyUsage();
    first.inputTokens = 5;
    expect(emptyUsage().inputTokens).toBe(0);
  });
});

describe("addUsage", () => {
  it("sums field by field", () => {
    const sum = addUsage(
      usage({ inputTokens: 100, cachedInputTokens: 40, outputTokens: 20, reasoningTokens: 5 }),
      usage({ inputTokens: 50, cacheWriteTokens: 30, outputTokens: 10, reasoningTokens: 10 }),
    );
    expect(sum).toEqual({
      inputTokens: 150,
      cachedInputTokens: 40,
      cacheWriteTokens: 30,
      outputTokens: 30,
      reasoningTokens: 15,
    });
  });

  it("names the bad side and field", () => {
    expect(() => addUsage(emptyUsage(), usage({ outputTokens: -1 }))).toThrow(
      "b.outputTokens must be a non-negative integer, got -1",
    );
  });
});

describe("assertValidUsage", () => {
  it("accepts subsets equal to their totals", () => {
    expect(() =>
      assertValidUsage(
        usage({
          inputTokens: 10,
          cachedInputTokens: 6,
          cacheWriteTokens: 4,
          outputTokens: 3,
          reasoningTokens: 3,
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    [{ inputTokens: 1.5 }, "usage.inputTokens must be a non-negative integer, got 1.5"],
    [{ cachedInputTokens: -2 }, "usage.cachedInputTokens must be a non-negative integer, got -2"],
    [
      { reasoningTokens: Number.NaN },
      "usage.reasoningTokens must be a non-negative integer, got NaN",
    ],
  ])("rejects %o", (fields, message) => {
    expect(() => assertValidUsage(usage(fields))).toThrow(message);
  });

  it("rejects cached + cache writes above the input", () => {
    expect(() =>
      assertValidUsage(usage({ inputTokens: 10, cachedInputTokens: 6, cacheWriteTokens: 5 })),
    ).toThrow(
      /usage\.cachedInputTokens \+ usage\.cacheWriteTokens \(11\) must not exceed usage\.inputTokens \(10\)/,
    );
  });

  it("rejects reasoning above the output, with code invalid_input", () => {
    try {
      assertValidUsage(usage({ outputTokens: 3, reasoningTokens: 4 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: "invalid_input",
        details: { field: "usage.reasoningTokens" },
      });
    }
  });
});
