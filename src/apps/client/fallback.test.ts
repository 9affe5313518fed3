import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import {
  type FallbackCandidate,
  type FallbackInfo,
  type FallbackOptions,
  withFallback,
  withRetry,
} from "./index.js";
import {
  createMockProvider,
  type MockProvider,
  type MockStep,
  mockContextWindowError,
  mockHttpError,
} from "./test-support/mock-provider.js";
import { createVirtualTime } from "./test-support/virtual-time.js";

const request: ChatRequest = { model: "unset", messages: [{ role: "user", content: "hi" }] };

interface Setup {
  model: string;
  provider: string;
  script: MockStep[];
}

/** Each candidate is called through withRetry (3 attempts) in virtual time. */
async function runFallback(setups: Setup[], options: FallbackOptions = {}) {
  const time = createVirtualTime();
  const providers: MockProvider[] = setups.map(({ provider, script }) =>
    createMockProvider({ name: provider, script }),
  );
  const candidates: FallbackCandidate[] = setups.map((setup, index) => ({
    model: setup.model,
    provider: providers[index] as MockProvider,
  }));
  const fallbacks: FallbackInfo[] = [];
  const outcome = await time
    .run(
      withFallback(
        candidates,
        ({ model, provider }) =>
          withRetry(({ signal }) => provider.chat({ ...request, model }, { signal }), {
            clock: time.clock,
            sleep: time.sleep,
            random: () => 0.5,
          }),
        { onFallback: (info) => fallbacks.push(info), ...options },
      ),
    )
    .then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
  return { ...outcome, providers, fallbacks, callCounts: providers.map((p) => p.calls.length) };
}

const failThrice = (status: number): MockStep[] => [
  { kind: "error", error: mockHttpError(status) },
  { kind: "error", error: mockHttpError(status) },
  { kind: "error", error: mockHttpError(status) },
];

describe("withFallback", () => {
  it("uses the first candidate when it succeeds", async () => {
    const run = await runFallback([
      { model: "gpt-4o", provider: "openai", script: [{ kind: "result" }] },
      { model: "claude-sonnet-4-5", provider: "anthropic", script: [{ kind: "result" }] },
    ]);
    expect(run.result?.model).toBe("gpt-4o");
    expect(run.callCounts).toEqual([1, 0]);
    expect(run.fallbacks).toEqual([]);
  });

  it("moves on once a candidate's retries are exhausted", async () => {
    const run = await runFallback([
      { model: "gpt-4o", provider: "openai", script: failThrice(503) },
      { model: "claude-sonnet-4-5", provider: "anthropic", script: [{ kind: "result" }] },
    ]);
    expect(run.result?.model).toBe("claude-sonnet-4-5");
    expect(run.result?.provider).toBe("anthropic");
    expect(run.callCounts).toEqual([3, 1]);
    expect(run.fallbacks.length).toBe(1);
    expect(run.fallbacks[0]?.from.model).toBe("gpt-4o");
    expect(run.fallbacks[0]?.to.model).toBe("claude-sonnet-4-5");
    expect(TokenwiseError.hasCode(run.fallbacks[0]?.error, "provider_error")).toBe(true);
  });

  it.each([
    ["400", mockHttpError(400)],
    ["401", mockHttpError(401)],
    ["budget_exceeded", new TokenwiseError("budget_exceeded", "over")],
  ])("stops at once on %s, listing the attempt on the error", async (_name, error) => {
    const run = await runFallback([
      { model: "gpt-4o", provider: "openai", script: [{ kind: "error", error }] },
      { model: "gemini-2.5-pro", provider: "gemini", script: [{ kind: "result" }] },
    ]);
    expect(run.error).toBe(error);
    expect(run.callCounts).toEqual([1, 0]);
    const status = error.details.status;
    expect(error.details.attempts).toEqual([
      {
        outcome: "failed",
        model: "gpt-4o",
        provider: "openai",
        code: error.code,
        ...(status === undefined ? {} : { status }),
        attempts: 1,
      },
    ]);
  });

  it("stops on the caller's abort", async () => {
    const aborted = new TokenwiseError("aborted", "stopped", { details: { retryable: false } });
    const run = await runFallback([
      { model: "a", provider: "openai", script: [{ kind: "error", error: aborted }] },
      { model: "b", provider: "anthropic", script: [{ kind: "result" }] },
    ]);
    expect(run.error).toBe(aborted);
    expect(run.callCounts).toEqual([1, 0]);
  });

  it("after context_window_exceeded, skips to the first candidate whose window fits", async () => {
    const windows: Record<string, number> = { small: 8_192, medium: 16_384, large: 128_000 };
    const run = await runFallback(
      [
        {
          model: "small",
          provider: "openai",
          script: [{ kind: "error", error: mockContextWindowError() }],
        },
        { model: "medium", provider: "openai", script: [{ kind: "result" }] },
        { model: "large", provider: "anthropic", script: [{ kind: "result" }] },
      ],
      { contextWindowOf: (model) => windows[model], inputTokens: 20_000, maxOutputTokens: 1_000 },
    );
    expect(run.result?.model).toBe("large");
    expect(run.callCounts).toEqual([1, 0, 1]);
    expect(run.fallbacks.length).toBe(1);
    expect(run.fallbacks[0]?.from.model).toBe("small");
    expect(run.fallbacks[0]?.to.model).toBe("large");
    expect(run.fallbacks[0]?.skipped.map((candidate) => candidate.model)).toEqual(["medium"]);
  });

  it("tries a candidate whose window is unknown", async () => {
    const run = await runFallback(
      [
        {
          model: "small",
          provider: "openai",
          script: [{ kind: "error", error: mockContextWindowError() }],
        },
        { model: "mystery", provider: "ollama", script: [{ kind: "result" }] },
      ],
      { contextWindowOf: (model) => (model === "small" ? 8_192 : undefined), inputTokens: 20_000 },
    );
    expect(run.result?.model).toBe("mystery");
    expect(run.callCounts).toEqual([1, 1]);
  });

  it("does not skip on window size before any context error", async () => {
    const run = await runFallback(
      [{ model: "small", provider: "openai", script: [{ kind: "result" }] }],
      { contextWindowOf: () => 8_192, inputTokens: 20_000 },
    );
    expect(run.result?.model).toBe("small");
  });

  it("ends with context_window_exceeded when no later candidate fits", async () => {
    const run = await runFallback(
      [
        {
          model: "small",
          provider: "openai",
          script: [{ kind: "error", error: mockContextWindowError("openai") }],
        },
        { model: "medium", provider: "openai", script: [] },
      ],
      { contextWindowOf: (model) => (model === "small" ? 8_192 : 16_384), inputTokens: 30_000 },
    );
    const error = run.error as TokenwiseError;
    expect(error.code).toBe("context_window_exceeded");
    expect(error.message).toBe(
      "All 2 models failed (the request's model and its fallbacks): small (openai): HTTP 400 context_window_exceeded from openai; medium (openai) skipped: context window 16384 < 30000 tokens needed.",
    );
    expect(error.details.attempts).toEqual([
      {
        outcome: "failed",
        model: "small",
        provider: "openai",
        code: "context_window_exceeded",
        status: 400,
        attempts: 1,
      },
      {
        outcome: "skipped",
        model: "medium",
        provider: "openai",
        reason: "context_window_too_small",
        contextWindow: 16_384,
        requiredTokens: 30_000,
      },
    ]);
  });

  it("lists every attempt when all fail, keeping the last code and status but no secrets", async () => {
    const secret = "sk-live-0123456789abcdef";
    const leaky = new TokenwiseError("provider_error", `upstream said: bad key ${secret}`, {
      details: { provider: "openai", status: 503, retryable: true, providerMessage: secret },
    });
    const run = await runFallback([
      {
        model: "gpt-4o",
        provider: "openai",
        script: [
          { kind: "error", error: leaky },
          { kind: "error", error: mockHttpError(503, { provider: "openai" }) },
          { kind: "error", error: mockHttpError(503, { provider: "openai" }) },
        ],
      },
      {
        model: "claude-sonnet-4-5",
        provider: "anthropic",
        script: [
          {
            kind: "error",
            error: mockHttpError(429, { provider: "anthropic", retryAfterMs: 120_000 }),
          },
        ],
      },
    ]);
    const error = run.error as TokenwiseError;
    expect(error.code).toBe("rate_limited");
    expect(error.message).toBe(
      "All 2 models failed (the request's model and its fallbacks): gpt-4o (openai): HTTP 503 provider_error from openai 3 times: the provider is failing; try again later or configure fallbacks; claude-sonnet-4-5 (anthropic): HTTP 429 rate_limited from anthropic: rate limited; lower the request rate or raise the provider's limits.",
    );
    expect(error.details).toEqual({
      attempts: [
        {
          outcome: "failed",
          model: "gpt-4o",
          provider: "openai",
          code: "provider_error",
          status: 503,
          attempts: 3,
        },
        {
          outcome: "failed",
          model: "claude-sonnet-4-5",
          provider: "anthropic",
          code: "rate_limited",
          status: 429,
          attempts: 1,
        },
      ],
      provider: "anthropic",
      status: 429,
      retryable: true,
      retryAfterMs: 120_000,
    });
    expect(run.callCounts).toEqual([3, 1]);
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(secret);
  });

  it("lets shouldFallback decide", async () => {
    const run = await runFallback(
      [
        {
          model: "strict",
          provider: "openai",
          script: [{ kind: "error", error: mockHttpError(400) }],
        },
        { model: "lenient", provider: "anthropic", script: [{ kind: "result" }] },
      ],
      {
        shouldFallback: (error) => TokenwiseError.isInstance(error) && error.details.status === 400,
      },
    );
    expect(run.result?.model).toBe("lenient");
  });

  it("rejects bad input naming the field", async () => {
    const call = async () => "never";
    await expect(withFallback([], call)).rejects.toThrowError(
      "candidates must list at least one { model, provider }; got none",
    );
    const provider = createMockProvider({ script: [] });
    await expect(withFallback([{ model: "", provider }], call)).rejects.toThrowError(
      "candidates[0].model must be a non-empty model name",
    );
    await expect(
      withFallback([{ model: "gpt-4o", provider }], call, { inputTokens: -1 }),
    ).rejects.toThrowError("inputTokens must be a whole number of tokens, 0 or more, got -1");
  });
});
