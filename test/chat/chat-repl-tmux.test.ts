/**
 * The chat REPL as a person uses it: the built CLI in a real terminal (tmux), against the
 * in-process mock upstream (`--mock`). Skipped with a message when tmux is missing locally;
 * in CI (CI=true) a missing tmux fails the suite instead.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEntry, closedPort, ensureBuilt } from "./support/cli-under-test.js";
import { killTmuxServer, startTmux, type TmuxSession, tmuxAvailable } from "./support/tmux.js";

const hasTmux = tmuxAvailable();
const inCi = process.env.CI === "true";

if (!hasTmux && !inCi) {
  console.warn(
    "chat REPL terminal tests skipped: tmux is not installed (apt-get install -y tmux); they run in CI",
  );
}

describe("tmux is available in CI", () => {
  it.runIf(inCi)("has tmux, so the terminal tests below really ran", () => {
    expect(hasTmux).toBe(true);
  });
});

describe.runIf(hasTmux)("tokenwise chat in a real terminal", () => {
  const socket = `tokenwise-chat-test-${process.pid}`;
  let workDirectory: string;
  let sessions = 0;

  beforeAll(() => {
    ensureBuilt();
    workDirectory = mkdtempSync(join(tmpdir(), "tokenwise-repl-"));
  }, 300_000);

  afterAll(() => {
    killTmuxServer(socket);
    rmSync(workDirectory, { recursive: true, force: true });
  });

  const start = (args: string[], env: Record<string, string> = {}): TmuxSession =>
    startTmux({
      socket,
      name: `chat${++sessions}`,
      command: ["node", ...cliEntry(), "chat", ...args],
      cwd: workDirectory,
      env,
    });

  it("streams replies, shows each turn's cost, answers slash commands, saves and resumes", async () => {
    const terminal = start(["--mock", "--budget", "0.50", "--system", "Be brief."]);
    const banner = await terminal.waitFor(/session ([0-9a-f]{12}) · mock upstream/);
    const sessionId = /session ([0-9a-f]{12})/.exec(banner)?.[1] ?? "";
    expect(banner).toContain("tokenwise chat · gpt-4o-mini · budget $0.500000 (left $0.500000)");

    terminal.type("Hello there");
    // Mock usage: system turn 3 + 3 ("Be brief.") + user turn 3 + 3 ("Hello there") + 3 priming.
    let screen = await terminal.waitFor("[in 15 · out 5 tokens");
    expect(screen).toContain(
      "> Hello there\nEcho: Hello there\n[in 15 · out 5 tokens · turn $0.000005 · total $0.000005 · left $0.499995]",
    );

    terminal.type("/stats");
    screen = await terminal.waitFor("summary        none yet");
    expect(screen).toContain("calls          1");
    expect(screen).toContain("cost           $0.000005250000");
    expect(screen).toContain(
      "  chat    gpt-4o-mini: 1 calls, in 15 · out 5 tokens, $0.000005250000",
    );

    terminal.type("/bogus");
    await terminal.waitFor(
      "Unknown command /bogus. Commands: /stats, /model NAME, /budget AMOUNT, /summarize, /history, /save, /reset, /help, /exit",
    );

    terminal.type("/model gpt-4o");
    await terminal.waitFor("model: gpt-4o\n");
    terminal.type("/model gpt-4o-mnii");
    await terminal.waitFor(/error: Unknown model "gpt-4o-mnii"\. Did you mean/);

    terminal.type("/budget 1.00");
    await terminal.waitFor("budget: $1.000000 (left $0.999995)");

    terminal.type("/history");
    screen = await terminal.waitFor("#2 assistant");
    expect(screen).toContain("#0 system 7 tok: Be brief.\n#1 user 6 tok: Hello there\n");

    terminal.type("/save");
    await terminal.waitFor(
      `saved session ${sessionId} in ${join(workDirectory, ".tokenwise", "tokenwise.db")}; resume it with: tokenwise chat --resume ${sessionId}`,
    );

    terminal.type("/exit");
    screen = await terminal.waitFor("[exit 0]");
    expect(screen).toMatch(
      /\[session [0-9a-f]{12}: 1 turns · in 15 · out 5 tokens · total \$0\.000005/,
    );
    expect(screen).not.toMatch(/^\s+at /m);

    const resumed = start(["--mock", "--resume", sessionId]);
    screen = await resumed.waitFor("resumed, 3 messages");
    // The session comes back with the model and budget it was switched to.
    expect(screen).toContain("· gpt-4o · budget $1.000000 (left $0.999995)");
    resumed.type("Again");
    await resumed.waitFor("Echo: Again\n[in ");
    resumed.type("/history");
    screen = await resumed.waitFor("#4 assistant");
    expect(screen).toContain("#1 user 6 tok: Hello there");
    expect(screen).toContain("#3 user 5 tok: Again");
    resumed.type("/exit");
    await resumed.waitFor("[exit 0]");
  });

  it("cancels a streaming reply with Ctrl-C, counts its partial cost, and leaves on a second Ctrl-C", async () => {
    const terminal = start(["--mock", "--no-save", "--mock-delay", "300", "--budget", "0.50"]);
    await terminal.waitFor("Type a message");
    terminal.type(`Count ${"one two three four five six seven eight nine ten ".repeat(3)}`);
    await terminal.waitFor("Echo: Count one");
    terminal.press("C-c");
    let screen = await terminal.waitFor("[cancelled · in");
    const line = /\[cancelled · in (\d+) · out (\d+) tokens · turn \$([\d.]+)/.exec(screen);
    expect(Number(line?.[1])).toBeGreaterThan(0);
    expect(Number(line?.[2])).toBeGreaterThan(0);
    expect(line?.[3]).not.toBe("0.000000");
    // The reply stopped: only the start of the echo arrived, right before the cancelled line.
    const echo = /\n(Echo: [^\n]*)\n\[cancelled/.exec(screen)?.[1] ?? "";
    expect(echo.startsWith("Echo: Count one")).toBe(true);
    expect(echo.length).toBeLessThan(60);
    // The second Ctrl-C, now at the prompt, leaves; the partial cost is in the session total.
    terminal.press("C-c");
    screen = await terminal.waitFor("[exit 0]");
    expect(screen).toContain(
      `[session ${/session ([0-9a-f]{12})/.exec(screen)?.[1]}: 1 turns · in ${line?.[1]} · out ${line?.[2]} tokens · total $${line?.[3]}`,
    );
    expect(screen).not.toMatch(/^\s+at /m);
  });

  it("a first Ctrl-C at the prompt only explains how to leave", async () => {
    const terminal = start(["--mock", "--no-save"]);
    await terminal.waitFor("Type a message");
    terminal.press("C-c");
    await terminal.waitFor("(To leave, press Ctrl-C again or type /exit)");
    terminal.type("Still here");
    await terminal.waitFor("Echo: Still here\n[in ");
    terminal.press("C-c");
    await terminal.waitFor(/\(To leave, press Ctrl-C again or type \/exit\)[\s\S]*\(To leave/);
    terminal.press("C-c");
    await terminal.waitFor("[exit 0]");
  });

  it("refuses a message over the budget with one clear line and keeps going", async () => {
    const terminal = start(["--mock", "--no-save", "--budget", "0.0001"]);
    await terminal.waitFor("Type a message");
    terminal.type("Hello there");
    const screen = await terminal.waitFor("Type /budget AMOUNT to raise it.");
    expect(screen).toMatch(
      /error: Budget exceeded: this message could cost up to \$0\.000616 \(9 input \+ up to 1024 output tokens on gpt-4o-mini\) but only \$0\.000100 of the \$0\.000100 budget is left; nothing was sent\./,
    );
    expect(screen).not.toMatch(/^\s+at /m);
    terminal.type("/budget 0.01");
    terminal.type("Hello there");
    await terminal.waitFor("Echo: Hello there");
    terminal.type("/exit");
    await terminal.waitFor("[exit 0]");
  });

  it("reports an unreachable server in one line and keeps the prompt", async () => {
    const port = await closedPort();
    const terminal = start(["--base-url", `http://127.0.0.1:${port}/v1`, "--no-save"]);
    await terminal.waitFor("Type a message");
    terminal.type("Hello");
    const screen = await terminal.waitFor(
      /error: Could not reach openai-compatible: [^\n]*ECONNREFUSED[^\n]*\n>/,
    );
    expect(screen).not.toMatch(/^\s+at /m);
    terminal.type("/exit");
    await terminal.waitFor("[exit 0]");
  });
});
