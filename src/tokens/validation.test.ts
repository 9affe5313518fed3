import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import {
  assertNonNegativeInteger,
  assertPositiveInteger,
  assertString,
  describeValue,
} from "./validation.js";

describe("describeValue", () => {
  it("prints short values and never a whole long string", () => {
    expect(describeValue("abc")).toBe('"abc"');
    expect(describeValue("x".repeat(100))).toBe(`"${"x".repeat(40)}"…`);
    expect(describeValue(3.5)).toBe("3.5");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue([1])).toBe("an array");
    expect(describeValue({ secret: "sk-123" })).toBe("an object");
    expect(describeValue(() => 1)).toBe("a function");
  });
});

describe("assertions", () => {
  it("throw invalid_input naming the field", () => {
    expect(() => assertString("text", 1)).toThrow("text must be a string, got 1");
    expect(() => assertNonNegativeInteger("maxTokens", -1)).toThrow(
      "maxTokens must be a non-negative integer, got -1",
    );
    expect(() => assertPositiveInteger("chunkTokens", 0)).toThrow(
      "chunkTokens must be a positive integer, got 0",
    );
    try {
      assertNonNegativeInteger("maxTokens", Number.POSITIVE_INFINITY);
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    }
    expect(() => assertNonNegativeInteger("maxTokens", 0)).not.toThrow();
  });
});
