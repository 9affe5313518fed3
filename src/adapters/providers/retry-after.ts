/**
 * Reads how long a provider asks us to wait before retrying, from the `retry-after-ms`
 * header (milliseconds, OpenAI), then `retry-after` (seconds or an HTTP date, RFC 9110).
 *
 * @example
 * ```ts
 * retryAfterMsFromHeaders(new Headers({ "retry-after": "2" })); // 2000
 * ```
 */
export function retryAfterMsFromHeaders(
  headers: Headers,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = parseNonNegativeNumber(headers.get("retry-after-ms"));
  if (milliseconds !== undefined) return Math.ceil(milliseconds);
  const retryAfter = headers.get("retry-after")?.trim();
  if (!retryAfter) return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  // An HTTP date always names its day ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone
  // would also accept things like "-3".
  const date = /[a-z]/i.test(retryAfter) ? Date.parse(retryAfter) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Reads a protobuf duration such as Gemini's `RetryInfo.retryDelay` ("34.4s") in milliseconds.
 *
 * @example
 * ```ts
 * retryAfterMsFromDuration("1.5s"); // 1500
 * ```
 */
export function retryAfterMsFromDuration(duration: unknown): number | undefined {
  if (typeof duration !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration.trim());
  if (!match?.[1]) return undefined;
  return Math.ceil(Number(match[1]) * 1000);
}

function parseNonNegativeNumber(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || !/^\s*\d+(?:\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}
