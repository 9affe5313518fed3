/** Writing JSON answers on node:http, with the gateway's `x-tokenwise-*` headers. */
import type { ServerResponse } from "node:http";

/**
 * Sends `body` as JSON (bigints as decimal strings) with `status` and `headers`.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { ok: true }, { "x-tokenwise-request-id": id });
 * ```
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = jsonText(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * `body` as JSON, bigints as decimal strings. Most bodies have none, and JSON.stringify
 * without a replacer is about twice as fast, so the replacer only runs when one is met.
 */
function jsonText(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(body, (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    );
  }
}

/**
 * The headers that open a server-sent-event stream.
 *
 * @example
 * ```ts
 * res.writeHead(200, { ...headers, ...eventStreamHeaders() });
 * ```
 */
export function eventStreamHeaders(): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  };
}
