/**
 * The mock's token rule. It is not a real tokenizer, only a stable, documented rule so tests
 * can predict usage exactly and so equivalent requests cost the same on all three wire
 * formats:
 * - text: ceil(length / 4) tokens (length in UTF-16 code units);
 * - each conversation turn (system instruction part, message, tool result): 3 tokens + its
 *   text + 85 per image + ceil(length(name + arguments JSON) / 4) per tool call;
 * - tool declarations: ceil(length(JSON of [{ name, description, parameters }]) / 4);
 * - 3 tokens to prime the reply.
 */

export const TOKENS_PER_TURN = 3;
export const TOKENS_PER_IMAGE = 85;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * @example
 * ```ts
 * countMockTokens("Hello world"); // 3
 * ```
 */
export function countMockTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
