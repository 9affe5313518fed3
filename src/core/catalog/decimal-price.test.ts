import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { isDecimalPrice, perTokenToPerMillion } from "./decimal-price.js";

describe("perTokenToPerMillion", () => {
  it.each([
    [2.5e-6, "2.5"],
    [1.25e-7, "0.125"],
    [0.00001, "10"],
    [0.000075, "75"],
    [0.00015, "150"],
    [1.875e-8, "0.01875"],
    [5e-9, "0.005"],
    [7.5e-8, "0.075"],
    [0.0000375, "37.5"],
    [3e-5, "30"],
    [1.3e-7, "0.13"],
    [0.0000011, "1.1"],
    [0, "0"],
    [1, "1000000"],
    [0.5, "500000"],
  ])("converts %s per token to %s per million without float artifacts", (perToken, expected) => {
    expect(perTokenToPerMillion(perToken)).toBe(expected);
  });

  it("keeps every digit of prices that multiplying would distort", () => {
    expect(1e-7 * 1e6).toBe(0.09999999999999999);
    expect(perTokenToPerMillion(1e-7)).toBe("0.1");
    expect(4e-7 * 1e6).toBe(0.39999999999999997);
    expect(perTokenToPerMillion(4e-7)).toBe("0.4");
  });

  it.each([-1e-6, Number.NaN, Number.POSITIVE_INFINITY])("rejects %s naming the field", (bad) => {
    expect(() => perTokenToPerMillion(bad, "input_cost_per_token")).toThrowError(
      /input_cost_per_token must be a non-negative number of dollars per token/,
    );
    try {
      perTokenToPerMillion(bad);
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    }
  });
});

describe("isDecimalPrice", () => {
  it.each(["0", "2.50", "2.5", "0.075", "30", "150"])("accepts %s", (value) => {
    expect(isDecimalPrice(value)).toBe(true);
  });

  it.each(["", "2.", ".5", "-1", "1e-6", "$2.50", "02.5", " 2.5", "2,50"])(
    "rejects %j",
    (value) => {
      expect(isDecimalPrice(value)).toBe(false);
    },
  );

  it("rejects numbers: prices are strings so they stay exact", () => {
    expect(isDecimalPrice(2.5)).toBe(false);
  });
});
