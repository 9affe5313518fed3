/**
 * `tokenwise chat` with piped input, run as a user would: the built CLI through node. Each
 * input line is one message (or all input one message with --whole-input); replies go to
 * stdout, cost lines to stderr; every failure is one line and a non-zero exit, never a trace.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEntry, closedPort, ensureBuilt } from "./support/cli-under-test.js";

let workDirectory: string;

beforeAll(() => {
  ensureBuilt();
  workDirectory = mkdtempSync(join(tmpdir(), "tokenwise-pipe-"));
}, 300_000);
afterAll(() => {
  rmSync(workDirectory, { recursive: true, force: true });
});

function chat(args: string[], input: string | Buffer, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync("node", [...cliEntry(), "chat", ...args], {
    input,
    cwd: workDirectory,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("tokenwise chat with piped input", () => {
  it("sends each line as a turn, prints replies, cost lines and a final stats line", () => {
    const result = chat(
      ["--mock", "--budget", "0.50", "--no-save"],
      "Hello there\n\nWhat is a token?\n",
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Echo: Hello there\nEcho: What is a token?\n");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^note: mock upstream at http:\/\/127\.0\.0\.1:\d+: replies echo/);
    expect(lines.slice(1)).toEqual([
      "[in 9 · out 5 tokens · turn $0.000004 · total $0.000004 · left $0.499996]",
      // Second request: 9 (first turn) + assistant 3 + 5 ("Echo: Hello there") + user 3 + 4.
      "[in 24 · out 6 tokens · turn $0.000007 · total $0.000012 · left $0.499988]",
      expect.stringMatching(
        /^\[session [0-9a-f]{12}: 2 turns · in 33 · out 11 tokens · total \$0\.000012 · left \$0\.499988\]$/,
      ),
    ]);
  });

  it("runs slash commands from piped input too", () => {
    const input = "First\nSecond\n/summarize\n/history\n/reset\n/history\n/help\n/nope\n";
    const result = chat(["--mock", "--no-save", "--keep-last", "1"], input);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Echo: First\nEcho: Second\n");
    expect(result.stderr).toMatch(/\nfolded 2 messages into the summary \(cost \$0\.0000\d\d\)\n/);
    expect(result.stderr).toContain(
      "#0 user 5 tok (in summary): First\n#1 assistant 7 tok (in summary): Echo: First\n" +
        "#2 user 5 tok: Second\n#3 assistant 7 tok: Echo: Second\n",
    );
    expect(result.stderr).toContain(
      "conversation cleared; what was spent stays counted\n(no messages yet)\n  /stats",
    );
    expect(result.stderr).toContain("Unknown command /nope. Commands: /stats, /model NAME,");
    expect(result.stderr).toMatch(/\[session [0-9a-f]{12}: 2 turns · /);
  });

  it("sends all of stdin as one message with --whole-input", () => {
    const result = chat(["--mock", "--no-save", "--whole-input"], "first line\nsecond line\n");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Echo: first line\nsecond line\n");
    expect(result.stderr).toMatch(/\[session [0-9a-f]{12}: 1 turns/);
  });

  it("saves the session in the data directory and resumes it", () => {
    const dataDir = join(workDirectory, "sessions");
    const first = chat(["--mock", "--data-dir", dataDir, "--budget", "0.10"], "Remember 42\n");
    expect(first.status).toBe(0);
    const sessionId = /\[session ([0-9a-f]{12}):/.exec(first.stderr)?.[1] ?? "";
    const second = chat(["--mock", "--data-dir", dataDir, "--resume", sessionId], "/history\n");
    expect(second.status).toBe(0);
    expect(second.stderr).toContain(
      "#0 user 7 tok: Remember 42\n#1 assistant 9 tok: Echo: Remember 42",
    );
    expect(second.stderr).toContain(`[session ${sessionId}: 1 turns · in 9 · out 5 tokens`);
    const missing = chat(["--mock", "--data-dir", dataDir, "--resume", "nope"], "");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      'tokenwise: no saved chat session "nope": list the saved ones with "tokenwise chat --list" (add the same --data-dir), or start a new chat without --resume\n',
    );
  });

  it("stops at an exhausted budget with one line and exit code 1", () => {
    const result = chat(["--mock", "--no-save", "--budget", "0.0001"], "Hello there\nMore\n");
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^\[session [0-9a-f]{12}: 0 turns · in 0 · out 0 tokens · total \$0\.000000/,
      ),
      expect.stringMatching(
        /^tokenwise: Budget exceeded: this message could cost up to \$0\.000616 /,
      ),
    ]);
  });

  it("names the missing key in one line before anything is sent", () => {
    const env = { ...process.env, OPENAI_API_KEY: "" };
    const result = chat(["--model", "gpt-4o-mini", "--no-save"], "Hello\n", env);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "tokenwise: no API key for openai: set OPENAI_API_KEY in the environment (or try --mock for an offline demo, or --base-url for a local server)\n",
    );
  });

  it("reports an unreachable server in one line", async () => {
    const port = await closedPort();
    const result = chat(["--base-url", `http://127.0.0.1:${port}/v1`, "--no-save"], "Hello\n");
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^tokenwise: Could not reach openai-compatible: .*ECONNREFUSED/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("refuses an unknown model with suggestions", () => {
    const result = chat(["--mock", "--model", "gpt-4o-mnii", "--no-save"], "Hello\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^tokenwise: Unknown model "gpt-4o-mnii"\. Did you mean gpt-4o-mini/,
    );
  });

  describe("input that is not UTF-8 text", () => {
    const bad = Buffer.concat([
      Buffer.from("Hello\n"),
      Buffer.from([0xff]),
      Buffer.from(" bad\nlater\n"),
    ]);

    it("sends the lines before the bad byte, then stops with its offset", () => {
      const result = chat(["--mock", "--no-save"], bad);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("Echo: Hello\n");
      expect(result.stderr.trim().split("\n").at(-1)).toBe(
        "tokenwise: input from stdin is not valid UTF-8 text: it has an invalid byte 0xff at byte offset 6; pass --force to replace invalid bytes with U+FFFD",
      );
    });

    it("sends nothing with --whole-input", () => {
      const result = chat(["--mock", "--no-save", "--whole-input"], bad);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("invalid byte 0xff at byte offset 6");
    });

    it("with --force, sends U+FFFD in its place", () => {
      const result = chat(["--mock", "--no-save", "--force"], bad);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe("Echo: Hello\nEcho: \ufffd bad\nEcho: later\n");
    });
  });
});
