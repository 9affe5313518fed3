import { describe, expect, it } from "vitest";
import { describeValue } from "./describe-value.js";

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

  it("prints a bigint with its n suffix", () => {
    expect(describeValue(12n)).toBe("12n");
  });
});
