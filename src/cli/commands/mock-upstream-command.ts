import type { Command } from "commander";
import { DEFAULT_MOCK_UPSTREAM_PORT, runMockUpstreamCli } from "../../mock-upstream/index.js";
import { type Output, processOutput } from "../output.js";
import { fraction, nonNegativeInteger } from "../parse-options.js";

interface MockUpstreamFlags {
  port: number;
  host: string;
  latency?: number;
  errorRate?: number;
  seed?: number;
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
    .addHelpText(
      "after",
      `
Replies are deterministic (they echo the last user message), usage is realistic, embeddings are
pseudo-random but stable. Point any client at it, for example:
  tokenwise mock-upstream --port 8787 --latency 200 --error-rate 0.1 &
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 your-app
Stop it with Ctrl-C.`,
    )
    .action(async (flags: MockUpstreamFlags) => {
      const mock = await runMockUpstreamCli({
        port: flags.port,
        host: flags.host,
        ...(flags.latency !== undefined ? { latencyMs: flags.latency } : {}),
        ...(flags.errorRate !== undefined ? { errorRate: flags.errorRate } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
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
