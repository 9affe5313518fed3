import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { costOfTokens, formatUsd, picodollars, toDecimalString, usd } from "./index.js";

describe("usd", () => {
  it("parses decimals, scientific notation and numbers exactly", () => {
    expect(usd("2.50")).toBe(2_500_000_000_000n);
    expect(usd("1.25e-7")).toBe(125_000n);
    expect(usd(0.1)).toBe(100_000_000_000n);
    expect(usd(2.5e-6)).toBe(2_500_000n);
    expect(usd("$0.50")).toBe(500_000_000_000n);
    expect(usd("-1")).toBe(-1_000_000_000_000n);
  });

  it("refuses a bigint, which is picodollars, instead of reading it as dollars", () => {
    // @ts-expect-error: the type refuses a bigint too
    expect(() => usd(3n, "budget")).toThrow(
      'budget is a bigint (3n), which tokenwise reads as picodollars, not dollars: write usd("3") for $3, or pass 3n itself as picodollars',
    );
    expect(picodollars(3n)).toBe(3n);
    expect(picodollars(1_500_000)).toBe(1_500_000n);
    expect(() => picodollars(1.5, "cost")).toThrow(
      'cost must be a whole number of picodollars, got 1.5; for dollars use usd("1.5")',
    );
  });

  it("rounds beyond a picodollar half to even", () => {
    expect(usd("0.0000000000005")).toBe(0n);
    expect(usd("0.0000000000015")).toBe(2n);
  });

  it("rejects what is not an amount, naming the field", () => {
    expect(() => usd("abc", "budget")).toThrowError(/budget must be a decimal amount/);
    expect(() => usd(Number.NaN)).toThrowError(TokenwiseError);
    expect(() => usd("")).toThrowError(/amount/);
  });
});

describe("exact sums", () => {
  it("one million costs of $0.000015 add up to exactly $15.000000", () => {
    const cost = usd("0.000015");
    let total = 0n;
    for (let i = 0; i < 1_000_000; i++) total += cost;
    expect(formatUsd(total)).toBe("$15.000000");
    expect(total).toBe(15n * 10n ** 12n);
    // The float sum drifts, which is why money is not a float.
    let floatTotal = 0;
    for (let i = 0; i < 1_000_000; i++) floatTotal += 0.000015;
    expect(floatTotal).not.toBe(15);
  });
});

describe("costOfTokens", () => {
  it("multiplies by a per-million price exactly", () => {
    expect(costOfTokens(300, usd("10"))).toBe(usd("0.003"));
    expect(costOfTokens(1, usd("0.075"))).toBe(75_000n);
  });
  it("rejects fractional or negative token counts", () => {
    expect(() => costOfTokens(-1, 1n)).toThrowError(/tokens must be a non-negative integer/);
    expect(() => costOfTokens(1.5, 1n)).toThrowError(/tokens/);
  });
});

describe("formatting", () => {
  it("formats with rounding only at display", () => {
    expect(formatUsd(usd("0.0056154"))).toBe("$0.005615");
    expect(formatUsd(usd("1.5"), { decimals: 2 })).toBe("$1.50");
    expect(formatUsd(usd("-0.25"), { decimals: 2, symbol: false })).toBe("-0.25");
    expect(toDecimalString(usd("0.005615"))).toBe("0.005615");
    expect(toDecimalString(usd("15"))).toBe("15.00");
  });
});
