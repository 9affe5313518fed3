import type { ChatProvider } from "../../adapters/providers/index.js";
import { invalidInput, TokenwiseError, type TokenwiseErrorCode } from "../../core/errors/index.js";
import { explainFailure } from "./failure-reason.js";
import { isRetryableError } from "./retryable.js";

/** One model to try, served by one provider. */
export interface FallbackCandidate {
  model: string;
  provider: ChatProvider;
}

/**
 * One line of the record {@link withFallback} keeps: a candidate that failed (code and
 * status only: messages may quote the prompt) or one skipped because its window was too small.
 */
export type FallbackAttempt =
  | {
      outcome: "failed";
      model: string;
      provider: string;
      code: string;
      status?: number;
      /** Attempts `withRetry` made on this candidate, when it recorded them. */
      attempts?: number;
    }
  | {
      outcome: "skipped";
      model: string;
      provider: string;
      reason: "context_window_too_small";
      contextWindow: number;
      requiredTokens: number;
    };

/** Passed to `onFallback` each time the next candidate is about to be tried. */
export interface FallbackInfo {
  from: FallbackCandidate;
  to: FallbackCandidate;
  /** Why `from` failed. */
  error: unknown;
  /** Candidates passed over between `from` and `to` because their window was too small. */
  skipped: FallbackCandidate[];
}

export interface FallbackOptions {
  onFallback?: (info: FallbackInfo) => void;
  /**
   * Whether to move on after `error`. Default: yes for retryable failures (the candidate's own
   * retries are spent) and "context_window_exceeded"; no for everything else (400, 401,
   * budget, caller abort), which ends the call at once.
   */
  shouldFallback?: (
    error: unknown,
    context: { candidate: FallbackCandidate; index: number },
  ) => boolean;
  /** Context window of a model, in tokens; `undefined` when unknown (the candidate is tried). */
  contextWindowOf?: (model: string) => number | undefined;
  /** The request's counted input tokens. */
  inputTokens?: number;
  /** The output tokens the request may generate (its max_tokens). */
  maxOutputTokens?: number;
}

/**
 * Calls `call` with each candidate in order until one succeeds. `call` should include that
 * candidate's retries (e.g. `withRetry`), so the next candidate is tried only once a retryable
 * failure persists. After "context_window_exceeded", candidates whose window
 * (`contextWindowOf`) cannot hold `inputTokens + maxOutputTokens` are skipped. Other errors stop
 * at once: the error is rethrown as is, with `details.attempts` listing what was tried.
 * When every candidate fails, throws a `TokenwiseError` with the last failure's code, status
 * and retry facts, and `details.attempts` (model, provider, code, status). Its message says
 * what went wrong and what to check: for a single candidate its own failure (never a word
 * about fallbacks), for several each candidate's reason in turn.
 *
 * @example
 * ```ts
 * const result = await withFallback(
 *   [{ model: "gpt-4o", provider: openai }, { model: "claude-sonnet-4-5", provider: anthropic }],
 *   ({ model, provider }) => withRetry(({ signal }) => provider.chat({ ...request, model }, { signal })),
 *   { contextWindowOf: (model) => getModel(model)?.contextWindow, inputTokens: 12_000, maxOutputTokens: 1_000 },
 * );
 * ```
 */
export async function withFallback<T>(
  candidates: readonly FallbackCandidate[],
  call: (candidate: FallbackCandidate, context: { index: number }) => Promise<T>,
  options: FallbackOptions = {},
): Promise<T> {
  const requiredTokens = validate(candidates, options);
  const shouldFallback = options.shouldFallback ?? defaultShouldFallback;
  const attempts: FallbackAttempt[] = [];
  const failures: Array<{ candidate: FallbackCandidate; error: unknown }> = [];
  let needsLargerWindow = false;
  let lastFailure: { candidate: FallbackCandidate; error: unknown } | undefined;
  let skipped: FallbackCandidate[] = [];

  for (const [index, candidate] of candidates.entries()) {
    if (needsLargerWindow && requiredTokens !== undefined) {
      const contextWindow = options.contextWindowOf?.(candidate.model);
      if (contextWindow !== undefined && contextWindow < requiredTokens) {
        attempts.push({
          outcome: "skipped",
          model: candidate.model,
          provider: candidate.provider.name,
          reason: "context_window_too_small",
          contextWindow,
          requiredTokens,
        });
        skipped.push(candidate);
        continue;
      }
    }
    if (lastFailure !== undefined) {
      options.onFallback?.({
        from: lastFailure.candidate,
        to: candidate,
        error: lastFailure.error,
        skipped,
      });
      skipped = [];
    }
    try {
      return await call(candidate, { index });
    } catch (error) {
      attempts.push(failedAttempt(candidate, error));
      failures.push({ candidate, error });
      if (!shouldFallback(error, { candidate, index })) throw recordAttempts(error, attempts);
      if (TokenwiseError.hasCode(error, "context_window_exceeded")) needsLargerWindow = true;
      lastFailure = { candidate, error };
    }
  }
  throw allCandidatesFailed({ attempts, failures, candidates: candidates.length });
}

/**
 * The default of `shouldFallback`: move on after a retryable failure or a context window
 * that is too small; stop on anything else.
 *
 * @example
 * ```ts
 * defaultShouldFallback(new TokenwiseError("provider_error", "unauthorized", { details: { status: 401 } })); // false
 * ```
 */
export function defaultShouldFallback(error: unknown): boolean {
  if (TokenwiseError.hasCode(error, "context_window_exceeded")) return true;
  return isRetryableError(error);
}

function validate(
  candidates: readonly FallbackCandidate[],
  options: FallbackOptions,
): number | undefined {
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw invalidInput("candidates", "must list at least one { model, provider }; got none");
  }
  for (const [index, candidate] of candidates.entries()) {
    if (typeof candidate?.model !== "string" || candidate.model === "") {
      throw invalidInput(`candidates[${index}].model`, "must be a non-empty model name");
    }
    if (typeof candidate.provider?.chat !== "function") {
      throw invalidInput(
        `candidates[${index}].provider`,
        "must be a ChatProvider (an object with chat())",
      );
    }
  }
  const inputTokens = tokenCount("inputTokens", options.inputTokens);
  const maxOutputTokens = tokenCount("maxOutputTokens", options.maxOutputTokens);
  return inputTokens === undefined ? undefined : inputTokens + (maxOutputTokens ?? 0);
}

function tokenCount(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(field, `must be a whole number of tokens, 0 or more, got ${String(value)}`);
  }
  return value;
}

function failedAttempt(candidate: FallbackCandidate, error: unknown): FallbackAttempt {
  const attempt: FallbackAttempt = {
    outcome: "failed",
    model: candidate.model,
    provider: candidate.provider.name,
    code: codeOf(error),
  };
  if (TokenwiseError.isInstance(error)) {
    const { status, retry } = error.details;
    if (typeof status === "number") attempt.status = status;
    const retryAttempts = (retry as { attempts?: unknown } | undefined)?.attempts;
    if (typeof retryAttempts === "number") attempt.attempts = retryAttempts;
  }
  return attempt;
}

// A stable identifier, never the message: provider messages can echo the prompt.
function codeOf(error: unknown): string {
  if (TokenwiseError.isInstance(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "unknown_error";
}

function recordAttempts(error: unknown, attempts: FallbackAttempt[]): unknown {
  if (TokenwiseError.isInstance(error) && Object.isExtensible(error.details)) {
    error.details.attempts = attempts;
  }
  return error;
}

function allCandidatesFailed(options: {
  attempts: FallbackAttempt[];
  failures: Array<{ candidate: FallbackCandidate; error: unknown }>;
  candidates: number;
}): TokenwiseError {
  const { attempts, failures, candidates } = options;
  const lastError = failures.at(-1)?.error;
  const code: TokenwiseErrorCode = TokenwiseError.isInstance(lastError)
    ? lastError.code
    : "provider_error";
  const details: Record<string, unknown> = { attempts, retryable: false };
  if (TokenwiseError.isInstance(lastError)) {
    for (const key of ["provider", "status", "retryable", "retryAfterMs", "timeoutPhase"]) {
      if (lastError.details[key] !== undefined) details[key] = lastError.details[key];
    }
  }
  return new TokenwiseError(code, failureMessage(attempts, failures, candidates), {
    cause: lastError,
    details,
  });
}

/**
 * One model with no fallbacks: what went wrong and what to check. Several: each candidate's
 * own reason, skipped ones included.
 */
function failureMessage(
  attempts: FallbackAttempt[],
  failures: Array<{ candidate: FallbackCandidate; error: unknown }>,
  candidates: number,
): string {
  const [only] = failures;
  if (candidates === 1 && only !== undefined) {
    const reason = explainFailure(only.error, only.candidate.provider.name);
    return `${only.candidate.model}: ${reason}.`;
  }
  let failed = 0;
  const reasons = attempts.map((attempt) => {
    if (attempt.outcome === "skipped") return describeAttempt(attempt);
    const failure = failures[failed++];
    const reason =
      failure === undefined ? attempt.code : explainFailure(failure.error, attempt.provider);
    return `${attempt.model} (${attempt.provider}): ${reason}`;
  });
  return `All ${candidates} models failed (the request's model and its fallbacks): ${reasons.join("; ")}.`;
}

function describeAttempt(attempt: FallbackAttempt & { outcome: "skipped" }): string {
  return `${attempt.model} (${attempt.provider}) skipped: context window ${attempt.contextWindow} < ${attempt.requiredTokens} tokens needed`;
}
