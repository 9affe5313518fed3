/**
 * The built command line as a person runs it: a real process, real stdin and exit codes.
 * `npm test` builds first (the `pretest` script), so dist/faces/cli/main.js is current.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../dist/faces/cli/main.js", import.meta.url));

function runCli(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

describe("tokenwise (built CLI)", () => {
  it("counts text piped on stdin", async () => {
    const result = await runCli(["tokens", "-m", "cl100k_base", "--json"], "tiktoken is great!");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)[0].tokens).toBe(6);
  });

  it("refuses empty stdin with one line and exit code 1", async () => {
    const result = await runCli(["tokens"], "");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("tokenwise: input from stdin is empty\n");
  });

  it("suggests a command for a typo and exits non-zero", async () => {
    const result = await runCli(["tokns", "hello"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Did you mean tokens?");
  });

  it("stops quietly when the reader closes the pipe early", async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn("sh", ["-c", `"${process.execPath}" "${bin}" models --all | head -n 1`]);
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("truncates stdin to stdout with stats on stderr", async () => {
    const text = Array.from({ length: 200 }, (_, index) => `line ${index}`).join("\n");
    const result = await runCli(["truncate", "-n", "30"], text);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith("line 0\nline 1\n")).toBe(true);
    expect(result.stdout.trimEnd().endsWith("line 199")).toBe(true);
    expect(result.stderr).toMatch(/^truncated \d+ → (30|29|28) tokens/);
  });

  it("starts the mock upstream, answers a request and stops on SIGINT", async () => {
    const child = spawn(process.execPath, [bin, "mock-upstream", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (http:\/\/[\d.:]+)/.exec(seen);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("error", reject);
    });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }] }),
    });
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe("Echo: ping");
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
  });
});
