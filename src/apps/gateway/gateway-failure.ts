/**
 * What went wrong with a gateway request, independent of the caller's wire format: the HTTP
 * status, a kind each front maps to its own error type, and a message naming the problem.
 */
import { TokenwiseError } from "../../core/errors/index.js";

export type FailureKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "too_large"
  | "budget_exceeded"
  | "rate_limited"
  | "upstream"
  | "timeout"
  | "server";

export interface GatewayFailure {
  status: number;
  kind: FailureKind;
  message: string;
  /** The request field at fault, when there is one. */
  param?: string;
  /** Extra response headers (retry-after). */
  headers?: Record<string, string>;
}

/**
 * @example
 * ```ts
 * throw new GatewayError({ status: 401, kind: "authentication", message: "Missing API key" });
 * ```
 */
export class GatewayError extends Error {
  readonly failure: GatewayFailure;
  constructor(failure: GatewayFailure) {
    super(failure.message);
    this.name = "GatewayError";
    this.failure = failure;
  }
}

/**
 * The failure to answer with for any error a request raised. Provider errors keep their
 * status class (a 4xx from upstream stays a 4xx, a 5xx becomes 502); unexpected errors are a
 * 500 whose message says nothing about internals.
 *
 * @example
 * ```ts
 * failureOf(budgetError).status; // 429
 * ```
 */
export function failureOf(error: unknown): GatewayFailure {
  if (error instanceof GatewayError) return error.failure;
  if (!TokenwiseError.isInstance(error)) {
    return { status: 500, kind: "server", message: "The gateway failed to handle this request." };
  }
  const field = typeof error.details.field === "string" ? error.details.field : undefined;
  const withParam = (failure: GatewayFailure): GatewayFailure =>
    field === undefined ? failure : { ...failure, param: field };
  switch (error.code) {
    case "invalid_input":
    case "context_window_exceeded":
    case "mixed_embeddings":
      return withParam({ status: 400, kind: "invalid_request", message: error.message });
    case "unknown_model":
      return withParam({ status: 404, kind: "not_found", message: error.message });
    case "budget_exceeded":
      return { status: 429, kind: "budget_exceeded", message: error.message };
    case "rate_limited":
      return { status: 429, kind: "rate_limited", message: error.message };
    case "timeout":
      return { status: 504, kind: "timeout", message: error.message };
    case "aborted":
      return { status: 499, kind: "upstream", message: error.message };
    case "provider_error": {
      const status = typeof error.details.status === "number" ? error.details.status : 502;
      if (status === 429) {
        return { status: 429, kind: "rate_limited", message: error.message };
      }
      // The upstream refusing the gateway's own key is the gateway's fault, not the caller's.
      if (status >= 400 && status < 500 && ![401, 403, 408].includes(status)) {
        return {
          status,
          kind: status === 404 ? "not_found" : "invalid_request",
          message: error.message,
        };
      }
      return { status: 502, kind: "upstream", message: error.message };
    }
    default:
      return { status: 500, kind: "server", message: error.message };
  }
}
