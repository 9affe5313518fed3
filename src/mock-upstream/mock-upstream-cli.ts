/**
 * The `tokenwise mock-upstream` command's engine: starts the mock with CLI-style options and
 * prints where each API lives. The caller owns shutdown (`close()` on SIGINT).
 */
import { invalidInput } from "../errors/index.js";
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
  const mock = await startMockUpstream({
    port,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.errorRate !== undefined ? { errorRate: options.errorRate } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  write(`tokenwise mock upstream listening on ${mock.url}`);
  write(`  OpenAI-compatible  base URL ${mock.url}/v1`);
  write(`  Anthropic          base URL ${mock.url}`);
  write(`  Gemini             base URL ${mock.url}/v1beta`);
  write("Any API key is accepted. Replies echo the last user message.");
  return mock;
}
