import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  errorFromHttpResponse,
  errorFromNetworkFailure,
  malformedReplyError,
  parseProviderErrorBody,
  RETRYABLE_STATUSES,
  redactSecrets,
} from "./provider-error.js";

const SECRET = "sk-live-abcdef0123456789";

function httpError(status: number, body: unknown, headers: Record<string, string> = {}) {
  return errorFromHttpResponse({
    provider: "openai",
    status,
    headers: new Headers(headers),
    bodyText: typeof body === "string" ? body : JSON.stringify(body),
    secrets: [SECRET],
  });
}

describe("parseProviderErrorBody", () => {
  it("reads the OpenAI, Anthropic, Gemini and Ollama shapes", () => {
    expect(
      parseProviderErrorBody(
        JSON.stringify({
          error: {
            message: "Too long",
            type: "invalid_request_error",
            code: "context_length_exceeded",
          },
        }),
      ),
    ).toEqual({ message: "Too long", code: "context_length_exceeded" });
    expect(
      parseProviderErrorBody(
        JSON.stringify({
          type: "error",
          error: { type: "overloaded_error", message: "Overloaded" },
        }),
      ),
    ).toEqual({ message: "Overloaded", code: "overloaded_error" });
    expect(
      parseProviderErrorBody(
        JSON.stringify({
          error: {
            code: 429,
            message: "Quota exceeded",
            status: "RESOURCE_EXHAUSTED",
            details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "34.4s" }],
          },
        }),
      ),
    ).toEqual({ message: "Quota exceeded", code: "RESOURCE_EXHAUSTED", retryDelayMs: 34_400 });
    expect(parseProviderErrorBody(JSON.stringify({ error: "model not found" }))).toEqual({
      message: "model not found",
    });
    expect(parseProviderErrorBody("<html>Bad gateway</html>")).toEqual({
      message: "<html>Bad gateway</html>",
    });
    expect(parseProviderErrorBody("")).toEqual({});
  });
});

describe("errorFromHttpResponse", () => {
  it("classifies statuses: 429 rate_limited, the retryable list, the rest final", () => {
    expect(httpError(429, {}).code).toBe("rate_limited");
    for (const status of [408, 409, 425, 429, 500, 502, 503, 504, 529]) {
      expect(RETRYABLE_STATUSES.has(status)).toBe(true);
      expect(httpError(status, {}).details.retryable).toBe(true);
    }
    for (const status of [400, 401, 403, 404, 422]) {
      const error = httpError(status, {});
      expect(error.code).toBe("provider_error");
      expect(error.details).toMatchObject({ status, retryable: false, provider: "openai" });
    }
  });

  it("prefers retry-after-ms, then retry-after, then Gemini's RetryInfo", () => {
    expect(
      httpError(429, {}, { "retry-after-ms": "20", "retry-after": "3" }).details.retryAfterMs,
    ).toBe(20);
    expect(httpError(429, {}, { "retry-after": "3" }).details.retryAfterMs).toBe(3000);
    const gemini = { error: { code: 429, message: "x", details: [{ retryDelay: "2s" }] } };
    expect(httpError(429, gemini).details.retryAfterMs).toBe(2000);
    expect(httpError(500, {}).details).not.toHaveProperty("retryAfterMs");
  });

  it("recognizes each provider's context-length error", () => {
    const bodies = [
      {
        error: {
          message: "This model's maximum context length is 128000 tokens.",
          code: "context_length_exceeded",
        },
      },
      {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "prompt is too long: 210000 tokens > 200000 maximum",
        },
      },
      {
        error: {
          code: 400,
          message:
            "The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).",
          status: "INVALID_ARGUMENT",
        },
      },
    ];
    for (const body of bodies) {
      const error = httpError(400, body);
      expect(error.code).toBe("context_window_exceeded");
      expect(error.details.retryable).toBe(false);
    }
  });

  it("scrubs secrets the provider echoes back", () => {
    const error = httpError(401, { error: { message: `Incorrect API key provided: ${SECRET}.` } });
    expect(error.details.providerMessage).toBe("Incorrect API key provided: [redacted].");
    expect(`${error.message} ${inspect(error, { depth: 5 })}`).not.toContain(SECRET);
  });
});

describe("errorFromNetworkFailure", () => {
  it("is a retryable provider_error that explains the cause", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    });
    const error = errorFromNetworkFailure({ provider: "anthropic", cause, secrets: [SECRET] });
    expect(error.code).toBe("provider_error");
    expect(error.details).toEqual({
      provider: "anthropic",
      retryable: true,
      providerMessage: "fetch failed: read ECONNRESET (ECONNRESET)",
    });
  });
});

describe("redactSecrets", () => {
  it("replaces every occurrence and ignores absent or tiny secrets", () => {
    expect(redactSecrets("a KEY1234 b KEY1234", ["KEY1234", undefined, "ab"])).toBe(
      "a [redacted] b [redacted]",
    );
  });
});

describe("malformedReplyError", () => {
  it("is a provider_error that is not retryable, with the short reason in details", () => {
    const error = malformedReplyError({
      provider: "gemini",
      message: "gemini answered countTokens without totalTokens.",
      providerMessage: "no totalTokens",
    });
    expect(error.code).toBe("provider_error");
    expect(error.message).toBe("gemini answered countTokens without totalTokens.");
    expect(error.details).toEqual({
      provider: "gemini",
      retryable: false,
      providerMessage: "no totalTokens",
    });
  });
});
