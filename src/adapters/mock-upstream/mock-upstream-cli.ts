/**
 * The `tokenwise mock-upstream` command's engine: starts the mock with CLI-style options and
 * prints where each API lives. The caller owns shutdown (`close()` on SIGINT).
 */
import { invalidInput } from "../../core/errors/index.js";
import { startMockUpstream } from "./mock-server.js";
import type { MockUpstream } from "./types.js";

export interface MockUpstreamCliOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  host?: string;
  latencyMs?: number;
  /** 0 to 1. */
  errorRate?: number;
  seed?: number;
  /** HTTP status of the `errorRate` failures (default 500; 429 for rate limits). */
  errorStatus?: number;
  /** `Retry-After` seconds sent with the injected failures. */
  retryAfterSeconds?: number;
  /** The first n model requests answer 429 with `Retry-After` (`retryAfterSeconds`, default 1). */
  rateLimitFirst?: number;
  /** Every stream is cut (connection reset) after this many events. */
  cutStreamsAfterEvents?: number;
  /** Every stream stalls for `stallMs` after this many events. */
  stallAfterEvents?: number;
  stallMs?: number;
  /** Usage reported on every reply: cache reads, cache writes, reasoning tokens. */
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** Where the banner goes; default stdout. */
  write?: (line: string) => void;
}

export const DEFAULT_MOCK_UPSTREAM_PORT = 8787;

/**
 * @example
 * ```ts
 * const mock = await runMockUpstreamCli({ port: 8787, latencyMs: 200, errorRate: 0.1 });
 * process.once("SIGINT", () => void mock.close());
 * ```
 */
export async function runMockUpstreamCli(
  options: MockUpstreamCliOptions = {},
): Promise<MockUpstream> {
  const port = options.port ?? DEFAULT_MOCK_UPSTREAM_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw invalidInput("port", `must be an integer between 0 and 65535, got ${port}`);
  }
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { write: _write, port: _port, rateLimitFirst, ...behavior } = options;
  const defined = Object.fromEntries(
    Object.entries(behavior).filter(([, value]) => value !== undefined),
  );
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const mock = await startMockUpstream({
    ...defined,
    port,
    ...(rateLimitFirst !== undefined && rateLimitFirst > 0
      ? {
          script: [
            {
              type: "error" as const,
              status: 429,
              headers: { "retry-after": retryAfter },
              times: rateLimitFirst,
            },
          ],
        }
      : {}),
  });
  write(`tokenwise mock upstream listening on ${mock.url}`);
  write(`  OpenAI-compatible  base URL ${mock.url}/v1 (Chat Completions and Responses)`);
  write(`  Anthropic          base URL ${mock.url}`);
  // Google's SDK adds the API version itself: its base URL is the root. tokenwise's Gemini
  // provider takes the versioned URL, like the real default.
  write(
    `  Gemini             base URL ${mock.url} (@google/genai httpOptions.baseUrl; tokenwise's Gemini provider: ${mock.url}/v1beta)`,
  );
  write("Any API key is accepted. Replies echo the last user message.");
  return mock;
}
