import type { Command } from "commander";
import {
  DEFAULT_MOCK_UPSTREAM_PORT,
  runMockUpstreamCli,
} from "../../../adapters/mock-upstream/index.js";
import { type Output, processOutput } from "../output.js";
import { fraction, nonNegativeInteger } from "../parse-options.js";

interface MockUpstreamFlags {
  port: number;
  host: string;
  latency?: number;
  errorRate?: number;
  seed?: number;
  errorStatus?: number;
  retryAfter?: number;
  rateLimitFirst?: number;
  cutStreamsAfter?: number;
  stallAfter?: number;
  stallMs?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** `tokenwise mock-upstream`: a local fake of the OpenAI, Anthropic and Gemini APIs, for testing. */
export function registerMockUpstreamCommand(
  program: Command,
  output: Output = processOutput,
): void {
  program
    .command("mock-upstream")
    .description(
      "testing tool: a local server speaking the OpenAI, Anthropic and Gemini wire formats",
    )
    .option(
      "--port <n>",
      `port to listen on (0 picks a free one)`,
      nonNegativeInteger,
      DEFAULT_MOCK_UPSTREAM_PORT,
    )
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--latency <ms>", "delay before each reply", nonNegativeInteger)
    .option("--error-rate <fraction>", "share of requests answered with a retryable 500", fraction)
    .option("--seed <n>", "seed for the error dice", nonNegativeInteger)
    .option(
      "--error-status <status>",
      "HTTP status of --error-rate failures (default 500)",
      nonNegativeInteger,
    )
    .option(
      "--retry-after <seconds>",
      "Retry-After sent with injected failures",
      nonNegativeInteger,
    )
    .option(
      "--rate-limit-first <n>",
      "answer the first n requests 429 with Retry-After",
      nonNegativeInteger,
    )
    .option(
      "--cut-streams-after <events>",
      "reset every stream's connection after this many events",
      nonNegativeInteger,
    )
    .option(
      "--stall-after <events>",
      "pause every stream after this many events (see --stall-ms)",
      nonNegativeInteger,
    )
    .option("--stall-ms <ms>", "how long a stream stalls", nonNegativeInteger)
    .option("--cached-tokens <n>", "input tokens reported as cache reads", nonNegativeInteger)
    .option(
      "--cache-write-tokens <n>",
      "input tokens reported as cache writes (Anthropic)",
      nonNegativeInteger,
    )
    .option("--reasoning-tokens <n>", "reasoning tokens added to every reply", nonNegativeInteger)
    .addHelpText(
      "after",
      `
Replies are deterministic (they echo the last user message), usage is realistic, embeddings are
pseudo-random but stable. Point any client at it, for example:
  tokenwise mock-upstream --port 8787 --latency 200 --error-rate 0.1 &
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 your-app
Faults: --rate-limit-first 2 --retry-after 1 (429s), --error-rate 0.2 --error-status 429,
--cut-streams-after 5, --stall-after 3 --stall-ms 5000. Usage: --cached-tokens 1000
--reasoning-tokens 200.
Stop it with Ctrl-C.`,
    )
    .action(async (flags: MockUpstreamFlags) => {
      const mock = await runMockUpstreamCli({
        port: flags.port,
        host: flags.host,
        ...(flags.latency !== undefined ? { latencyMs: flags.latency } : {}),
        ...(flags.errorRate !== undefined ? { errorRate: flags.errorRate } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.errorStatus !== undefined ? { errorStatus: flags.errorStatus } : {}),
        ...(flags.retryAfter !== undefined ? { retryAfterSeconds: flags.retryAfter } : {}),
        ...(flags.rateLimitFirst !== undefined ? { rateLimitFirst: flags.rateLimitFirst } : {}),
        ...(flags.cutStreamsAfter !== undefined
          ? { cutStreamsAfterEvents: flags.cutStreamsAfter }
          : {}),
        ...(flags.stallAfter !== undefined ? { stallAfterEvents: flags.stallAfter } : {}),
        ...(flags.stallMs !== undefined ? { stallMs: flags.stallMs } : {}),
        ...(flags.cachedTokens !== undefined ? { cachedInputTokens: flags.cachedTokens } : {}),
        ...(flags.cacheWriteTokens !== undefined
          ? { cacheWriteTokens: flags.cacheWriteTokens }
          : {}),
        ...(flags.reasoningTokens !== undefined ? { reasoningTokens: flags.reasoningTokens } : {}),
        write: (line) => output.write(line),
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          void mock.close().then(resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
