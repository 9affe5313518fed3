import { invalidInput } from "../../core/errors/index.js";

/** How a chat spends tokens; every field has a default (see {@link DEFAULT_CHAT_SETTINGS}). */
export interface ChatSettings {
  /** Most tokens a reply may have (sent as the request's limit, capped by the model's maximum). */
  maxOutputTokens: number;
  /** History size in tokens past which older turns are folded into the running summary. */
  summarizeAt: number;
  /** Newest turns (a user message and what follows it) always kept verbatim. */
  keepLast: number;
  /** Most tokens a summary call may write. */
  summaryMaxOutputTokens: number;
}

export const DEFAULT_CHAT_SETTINGS: Readonly<ChatSettings> = Object.freeze({
  maxOutputTokens: 1024,
  summarizeAt: 10_000,
  keepLast: 5,
  summaryMaxOutputTokens: 512,
});

const MINIMUMS: Record<keyof ChatSettings, number> = {
  maxOutputTokens: 1,
  summarizeAt: 1,
  keepLast: 0,
  summaryMaxOutputTokens: 1,
};

/**
 * Settings from options, stored settings and defaults, in that order of precedence; throws
 * `invalid_input` naming the option when a value is not a whole number in range.
 *
 * @example
 * ```ts
 * readChatSettings({ summarizeAt: 4000 }).keepLast; // 5
 * ```
 */
export function readChatSettings(
  options: Partial<ChatSettings>,
  stored: Partial<ChatSettings> = {},
): ChatSettings {
  const settings = { ...DEFAULT_CHAT_SETTINGS };
  for (const field of Object.keys(MINIMUMS) as Array<keyof ChatSettings>) {
    const value: unknown = options[field] ?? stored[field] ?? DEFAULT_CHAT_SETTINGS[field];
    const minimum = MINIMUMS[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < minimum) {
      throw invalidInput(
        field,
        `must be a whole number of at least ${minimum}, got ${JSON.stringify(value) ?? String(value)}`,
      );
    }
    settings[field] = value;
  }
  return settings;
}
