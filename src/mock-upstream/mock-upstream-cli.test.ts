import { describe, expect, it } from "vitest";
import { runMockUpstreamCli } from "./mock-upstream-cli.js";

describe("runMockUpstreamCli", () => {
  it("starts the mock and prints the base URL of each API", async () => {
    const lines: string[] = [];
    const mock = await runMockUpstreamCli({
      port: 0,
      latencyMs: 5,
      errorRate: 0,
      write: (line) => lines.push(line),
    });
    try {
      expect(lines).toEqual([
        `tokenwise mock upstream listening on ${mock.url}`,
        `  OpenAI-compatible  base URL ${mock.url}/v1`,
        `  Anthropic          base URL ${mock.url}`,
        `  Gemini             base URL ${mock.url}/v1beta`,
        "Any API key is accepted. Replies echo the last user message.",
      ]);
      const response = await fetch(`${mock.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "ping" }] }),
      });
      expect(
        ((await response.json()) as { choices: [{ message: { content: string } }] }).choices[0]
          .message.content,
      ).toBe("Echo: ping");
    } finally {
      await mock.close();
    }
  });

  it("rejects a bad port or error rate", async () => {
    await expect(runMockUpstreamCli({ port: 70_000, write: () => undefined })).rejects.toThrow(
      "port must be an integer between 0 and 65535",
    );
    await expect(
      runMockUpstreamCli({ port: 0, errorRate: 1.5, write: () => undefined }),
    ).rejects.toThrow("errorRate must be between 0 and 1");
  });
});
