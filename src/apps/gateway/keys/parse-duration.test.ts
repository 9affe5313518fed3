import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./parse-duration.js";

describe("parseDuration", () => {
  it("reads each unit, fractions that land on whole milliseconds, and a bare 0", () => {
    expect(parseDuration("0", "grace")).toBe(0);
    expect(parseDuration("250ms", "grace")).toBe(250);
    expect(parseDuration("90s", "grace")).toBe(90_000);
    expect(parseDuration("1.5m", "grace")).toBe(90_000);
    expect(parseDuration(" 1H ", "grace")).toBe(3_600_000);
    expect(parseDuration("7d", "grace")).toBe(604_800_000);
  });

  it("names the field and the accepted forms for anything else", () => {
    for (const bad of ["", "1", "-1h", "1 h", "1w", "0.0001s", 5]) {
      expect(() => parseDuration(bad, "grace")).toThrowError(
        /^grace must be a duration such as 0, 30s, 15m, 1h or 7d/,
      );
    }
  });

  it("formats with the largest exact unit", () => {
    expect([0, 1500, 90_000, 3_600_000, 5_400_000, 172_800_000].map(formatDuration)).toEqual([
      "0",
      "1500ms",
      "90s",
      "1h",
      "90m",
      "2d",
    ]);
  });
});
