/**
 * Every error tokenwise throws is a {@link TokenwiseError} with a stable `code`.
 *
 * Detection works without `instanceof`, so it survives two copies of the package in one
 * process (a marker symbol registered with `Symbol.for`).
 *
 * @example
 * ```ts
 * try { getModel("gpt-4o-mnii"); }
 * catch (error) {
 *   if (TokenwiseError.isInstance(error) && error.code === "unknown_model") console.log(error.message);
 * }
 * ```
 */
const marker = Symbol.for("tokenwise.error");

/** Stable machine-readable error codes. */
export type TokenwiseErrorCode =
  | "invalid_input"
  | "unknown_model"
  | "context_window_exceeded"
  | "budget_exceeded"
  | "rate_limited"
  | "provider_error"
  | "timeout"
  | "aborted"
  | "store_error"
  | "mixed_embeddings"
  | "not_found"
  | "missing_dependency";

export interface TokenwiseErrorOptions {
  cause?: unknown;
  /** Extra facts a caller can act on (field name, suggestions, limits...). Never secrets. */
  details?: Record<string, unknown>;
}

export class TokenwiseError extends Error {
  readonly [marker] = true;
  readonly code: TokenwiseErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: TokenwiseErrorCode, message: string, options: TokenwiseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TokenwiseError";
    this.code = code;
    this.details = options.details ?? {};
  }

  /** True for any tokenwise error, even one created by another copy of the package. */
  static isInstance(error: unknown): error is TokenwiseError {
    return typeof error === "object" && error !== null && marker in error;
  }

  /** True when `error` is a tokenwise error with the given code. */
  static hasCode(error: unknown, code: TokenwiseErrorCode): error is TokenwiseError {
    return TokenwiseError.isInstance(error) && error.code === code;
  }
}

/**
 * Error for bad input: names the field, what was wrong and how to fix it.
 *
 * @example
 * ```ts
 * throw invalidInput("expectedOutputTokens", "must be a non-negative integer, got -5");
 * ```
 */
export function invalidInput(field: string, problem: string): TokenwiseError {
  return new TokenwiseError("invalid_input", `${field} ${problem}`, { details: { field } });
}
