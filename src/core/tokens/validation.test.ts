import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { assertNonNegativeInteger, assertPositiveInteger, assertString } from "./validation.js";

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
