import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { isNetworkError, isRetryableError } from "./index.js";
import { mockContextWindowError, mockHttpError } from "./test-support/mock-provider.js";

describe("isRetryableError with provider errors", () => {
  it.each([408, 409, 425, 429, 500, 502, 503, 504, 529])("retries status %i", (status) => {
    expect(isRetryableError(mockHttpError(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 422])("never retries status %i", (status) => {
    expect(isRetryableError(mockHttpError(status))).toBe(false);
  });

  it("never retries a never-retry status even if the error claims it is retryable", () => {
    const error = new TokenwiseError("provider_error", "bad", {
      details: { status: 400, retryable: true },
    });
    expect(isRetryableError(error)).toBe(false);
  });

  it.each(["aborted", "budget_exceeded", "context_window_exceeded", "invalid_input"] as const)(
    "never retries code %s, even marked retryable",
    (code) => {
      const error = new TokenwiseError(code, "no", { details: { retryable: true, status: 503 } });
      expect(isRetryableError(error)).toBe(false);
    },
  );

  it("trusts retryable: false from the adapter (a stream that broke after data was sent)", () => {
    const error = new TokenwiseError("provider_error", "broke", {
      details: { status: 503, retryable: false },
    });
    expect(isRetryableError(error)).toBe(false);
  });

  it("falls back on the code when the error has no details", () => {
    expect(isRetryableError(new TokenwiseError("rate_limited", "slow"))).toBe(true);
    expect(isRetryableError(new TokenwiseError("timeout", "slow"))).toBe(true);
    expect(isRetryableError(new TokenwiseError("provider_error", "?"))).toBe(false);
    expect(isRetryableError(mockContextWindowError())).toBe(false);
  });

  it("uses the status list when retryable is not set", () => {
    const error = new TokenwiseError("provider_error", "down", { details: { status: 502 } });
    expect(isRetryableError(error)).toBe(true);
  });
});

describe("isRetryableError with other errors", () => {
  const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

  it("retries network resets, also when nested in cause", () => {
    expect(isRetryableError(reset)).toBe(true);
    expect(isRetryableError(new TypeError("fetch failed", { cause: reset }))).toBe(true);
    expect(isRetryableError(new Error("socket hang up"))).toBe(true);
    expect(
      isNetworkError(new Error("outer", { cause: new Error("wrapped", { cause: reset }) })),
    ).toBe(true);
  });

  it("reads status and statusCode of SDK-style errors", () => {
    expect(isRetryableError(Object.assign(new Error("x"), { status: 503 }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("x"), { statusCode: 404 }))).toBe(false);
  });

  it("retries TimeoutError but not AbortError", () => {
    expect(isRetryableError(new DOMException("slow", "TimeoutError"))).toBe(true);
    expect(isRetryableError(new DOMException("stop", "AbortError"))).toBe(false);
  });

  it("does not retry programming errors or non-errors", () => {
    expect(isRetryableError(new TypeError("x is not a function"))).toBe(false);
    expect(isRetryableError("boom")).toBe(false);
    expect(isRetryableError(undefined)).toBe(false);
    expect(isRetryableError(null)).toBe(false);
  });
});
