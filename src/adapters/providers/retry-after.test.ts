import { describe, expect, it } from "vitest";
import { retryAfterMsFromDuration, retryAfterMsFromHeaders } from "./retry-after.js";

describe("retryAfterMsFromHeaders", () => {
  it("prefers retry-after-ms over retry-after", () => {
    const headers = new Headers({ "retry-after-ms": "1500.2", "retry-after": "9" });
    expect(retryAfterMsFromHeaders(headers)).toBe(1501);
  });

  it("reads seconds, including fractions", () => {
    expect(retryAfterMsFromHeaders(new Headers({ "retry-after": "1" }))).toBe(1000);
    expect(retryAfterMsFromHeaders(new Headers({ "retry-after": "0.25" }))).toBe(250);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    const later = new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" });
    expect(retryAfterMsFromHeaders(later, now)).toBe(30_000);
    const past = new Headers({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" });
    expect(retryAfterMsFromHeaders(past, now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(retryAfterMsFromHeaders(new Headers())).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers({ "retry-after": "-3" }))).toBeUndefined();
  });
});

describe("retryAfterMsFromDuration", () => {
  it("reads protobuf durations", () => {
    expect(retryAfterMsFromDuration("34.4s")).toBe(34_400);
    expect(retryAfterMsFromDuration("2s")).toBe(2000);
    expect(retryAfterMsFromDuration("2m")).toBeUndefined();
    expect(retryAfterMsFromDuration(3)).toBeUndefined();
  });
});
