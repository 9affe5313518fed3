import { describe, expect, it } from "vitest";
import { usd } from "../../core/money/index.js";
import { parseBudget, parseTimeBound } from "./parse-report-input.js";

describe("parseTimeBound", () => {
  it("reads dates, date-times, epoch ms and durations back from now", () => {
    const now = Date.UTC(2026, 11, 3, 12);
    expect(parseTimeBound("2026-12-01", { field: "since" })).toBe(Date.UTC(2026, 11, 1));
    expect(parseTimeBound("2026-12-01", { field: "until", endOfDay: true })).toBe(
      Date.UTC(2026, 11, 2),
    );
    expect(parseTimeBound("2026-12-01T09:30:00Z", { field: "since" })).toBe(
      Date.UTC(2026, 11, 1, 9, 30),
    );
    expect(parseTimeBound("1764758400000", { field: "since" })).toBe(1_764_758_400_000);
    expect(parseTimeBound("7d", { field: "since", now })).toBe(now - 7 * 86_400_000);
    expect(parseTimeBound("30m", { field: "since", now })).toBe(now - 1_800_000);
  });

  it("names the flag and the accepted forms for anything else", () => {
    expect(() => parseTimeBound("last tuesday", { field: "--since" })).toThrow(
      /--since must be a date such as 2026-12-01.*got "last tuesday"/,
    );
  });
});

describe("parseBudget", () => {
  it("splits at the last = so scopes may contain colons", () => {
    expect(parseBudget("team:data:month:2026-12=250.50")).toEqual({
      scope: "team:data:month:2026-12",
      limit: usd("250.50"),
    });
  });

  it("rejects a budget without a scope or with a bad amount", () => {
    expect(() => parseBudget("=5", "--budget")).toThrow(/--budget must be SCOPE=DOLLARS/);
    expect(() => parseBudget("team-a=lots", "--budget")).toThrow(/--budget/);
    expect(() => parseBudget("team-a=-1", "--budget")).toThrow(/0 or more/);
  });
});
