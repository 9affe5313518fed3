import { TokenwiseError } from "../../../core/errors/index.js";

/**
 * The `TokenwiseError` an action fails with; fails the test when it succeeds or throws
 * something else.
 *
 * @example
 * ```ts
 * const error = await failureOf(() => client.chat(request));
 * expect(error.code).toBe("timeout");
 * ```
 */
export async function failureOf(action: () => Promise<unknown>): Promise<TokenwiseError> {
  try {
    await action();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError, but the action succeeded");
}
