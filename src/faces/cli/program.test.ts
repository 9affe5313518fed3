import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createChat, createSqliteSessionStore } from "../../apps/chat/index.js";
import { createFakeChatClient } from "../../apps/chat/test-support/fake-chat-client.js";
import type { Output } from "./output.js";
import { run } from "./program.js";

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await run(["node", "tokenwise", ...args], output);
  return { code, out: out.join(""), err: err.join("") };
}

describe("tokenwise tokens", () => {
  it("counts exactly with an encoding and prints ids", async () => {
    const result = await cli(
      "tokens",
      "-m",
      "cl100k_base",
      "--json",
      "--ids",
      "tiktoken is great!",
    );
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.out);
    expect(rows[0]).toMatchObject({ tokens: 6, exact: true, tokenizer: "cl100k_base" });
    expect(rows[0].ids).toEqual([83, 1609, 5963, 374, 2294, 0]);
  });

  it("labels Claude counts as estimates in the table", async () => {
    const result = await cli("tokens", "-m", "gpt-4o,claude-3-5-sonnet", "hello world");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/gpt-4o\s+o200k_base\s+2\s/);
    expect(result.out).toMatch(/claude-3-5-sonnet-20241022\s+claude\s+~\d/);
    expect(result.out).toContain("estimate");
  });

  it("suggests the closest names for a typo, with a non-zero exit", async () => {
    const result = await cli("tokens", "-m", "gpt-4o-mnii", "hello");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Unknown model "gpt-4o-mnii".*gpt-4o-mini/);
    expect(result.err.trim().split("\n")).toHaveLength(1);
  });

  it("names a missing file", async () => {
    const result = await cli("tokens", "-f", "/nonexistent/prompt.txt");
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "tokenwise: file not found: /nonexistent/prompt.txt (check the path or pipe text on stdin)",
    );
  });
});

describe("input that is not text", () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-program-"));
  const latin1 = join(directory, "latin1.txt");
  writeFileSync(latin1, Buffer.from("caf\xe9 ok", "latin1"));
  const binary = join(directory, "binary.bin");
  writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));

  it("tokens refuses invalid UTF-8 with the byte offset and the way out", async () => {
    const result = await cli("tokens", "-f", latin1);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `tokenwise: input from ${latin1} is not valid UTF-8 text: it has an invalid byte 0xe9 at byte offset 3; pass --force to replace invalid bytes with U+FFFD`,
    );
  });

  it("truncate refuses it too instead of writing U+FFFD and saying unchanged", async () => {
    const result = await cli("truncate", "-n", "100", "-f", latin1);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err).toContain("invalid byte 0xe9 at byte offset 3");
  });

  it("names binary data by its first invalid byte or NUL", async () => {
    const result = await cli("tokens", "-f", binary);
    expect(result.code).toBe(1);
    expect(result.err).toContain("invalid byte 0x89 at byte offset 0");
  });

  it("a --catalog file is checked too", async () => {
    const result = await cli("tokens", "--catalog", binary, "hello");
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `tokenwise: input from catalog file ${binary} is not valid UTF-8 text: it has an invalid byte 0x89 at byte offset 0; convert it to UTF-8 first (for example with iconv)`,
    );
    const directoryResult = await cli("tokens", "--catalog", directory, "hello");
    expect(directoryResult.err).toBe(
      `tokenwise: catalog file ${directory} is a directory: pass a JSON file to --catalog`,
    );
  });

  it("--force counts it with U+FFFD in place of the invalid bytes", async () => {
    const result = await cli("tokens", "--force", "--json", "-m", "o200k_base", "-f", latin1);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)[0]).toMatchObject({ characters: 7 });
  });
});

describe("misleading input errors", () => {
  it("refuses -f - twice: stdin can be read only once", async () => {
    const result = await cli("tokens", "-f", "-", "-f", "-");
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "tokenwise: --file - was given more than once, but stdin can be read only once: pass - once",
    );
  });

  it("refuses an empty model name instead of using the default", async () => {
    for (const args of [
      ["tokens", "-m", "", "hello"],
      ["truncate", "-n", "5", "-m", "", "hello"],
    ]) {
      const result = await cli(...args);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/expected (a model name|one or more names) such as/);
    }
  });

  it("refuses a --messages file with a message that has no content", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tokenwise-messages-")), "request.json");
    writeFileSync(file, JSON.stringify([{ role: "user" }]));
    const result = await cli("cost", "--messages", file);
    expect(result.code).toBe(1);
    expect(result.err).toContain("content is missing: a user message needs content");
  });

  it("says a directory is a directory", async () => {
    const result = await cli("tokens", "-f", tmpdir());
    expect(result.code).toBe(1);
    expect(result.err).toBe(`tokenwise: ${tmpdir()} is a directory; pass a file`);
  });

  it("says a --messages directory is a directory, not invalid JSON", async () => {
    const result = await cli("cost", "--messages", tmpdir());
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `tokenwise: --messages ${tmpdir()} is a directory; pass a JSON file`,
    );
    expect(result.err).not.toContain("JSON:");
  });
});

describe("commander errors", () => {
  it("are one line with the command's help to turn to", async () => {
    const cases: Array<[string[], string]> = [
      [
        ["tokns", "hello"],
        "error: unknown command 'tokns' (Did you mean tokens?) (see tokenwise --help)",
      ],
      [["tokens", "--bogus", "x"], "error: unknown option '--bogus' (see tokenwise tokens --help)"],
      [
        ["truncate", "hello"],
        "error: required option '-n, --max-tokens <n>' not specified (see tokenwise truncate --help)",
      ],
    ];
    for (const [args, line] of cases) {
      const result = await cli(...args);
      expect(result.code).toBe(2);
      expect(result.err).toBe(line);
    }
  });

  it("a negative --port is not called 'not a whole number'", async () => {
    const result = await cli("mock-upstream", "--port", "-1");
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `error: option '--port <n>' argument '-1' is invalid. expected 0 or more, got "-1". (see tokenwise mock-upstream --help)`,
    );
  });
});

describe("tokenwise chat errors and --list", () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-chat-cli-"));

  it("says a --data-dir that is a file is a file", async () => {
    const file = join(directory, "not-a-dir");
    writeFileSync(file, "x");
    const result = await cli("chat", "--mock", "--data-dir", file);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `tokenwise: --data-dir ${file} is a file, not a directory: pass a directory for the saved sessions`,
    );
  });

  it("points an unknown --resume id at --list, not at store.list()", async () => {
    const result = await cli("chat", "--mock", "--resume", "nope", "--data-dir", directory);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'tokenwise: no saved chat session "nope": list the saved ones with "tokenwise chat --list" (add the same --data-dir), or start a new chat without --resume',
    );
  });

  it("refuses an empty --model", async () => {
    const result = await cli("chat", "--mock", "-m", "");
    expect(result.code).toBe(2);
    expect(result.err).toContain('expected a model name such as gpt-4o-mini, got ""');
  });

  it("names the environment variable, not { apiKey }, when a key is missing", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const result = await cli("chat", "--no-save", "-m", "gpt-4o-mini");
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        "tokenwise: no API key for openai: set OPENAI_API_KEY in the environment (or try --mock for an offline demo, or --base-url for a local server)",
      );
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it("lists saved sessions with turns and spend, as a table and as JSON", async () => {
    const dataDir = join(directory, "sessions");
    expect((await cli("chat", "--list", "--data-dir", dataDir)).out).toBe(
      `no saved chat sessions in ${dataDir}; start one with: tokenwise chat`,
    );
    mkdirSync(dataDir);
    const store = createSqliteSessionStore({ path: join(dataDir, "tokenwise.db") });
    const client = createFakeChatClient({});
    let clock = Date.parse("2026-12-01T09:00:00Z");
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    const first = await createChat({
      client,
      model: "gpt-4o-mini",
      store,
      sessionId: "first",
      now,
    });
    await first.send("one");
    await first.send("two");
    const second = await createChat({ client, model: "gpt-4o", store, sessionId: "second", now });
    await second.send("three");
    await store.close();

    const json = await cli("chat", "--list", "--json", "--data-dir", dataDir);
    expect(json.code).toBe(0);
    const sessions = JSON.parse(json.out);
    expect(
      sessions.map((session: { id: string; turns: number; model: string }) => [
        session.id,
        session.model,
        session.turns,
      ]),
    ).toEqual([
      ["second", "gpt-4o", 1],
      ["first", "gpt-4o-mini", 2],
    ]);
    expect(sessions[1].cost).toMatch(/^0\.0000\d+$/);

    const table = await cli("chat", "--list", "--data-dir", dataDir);
    expect(table.out).toMatch(/^session\s+model\s+turns\s+spend\s+last used \(UTC\)\n/);
    expect(table.out).toMatch(/\nsecond\s+gpt-4o\s+1\s+\$0\.\d+\s+2026-12-01 09:00:0\d\n/);
    expect(table.out).toMatch(/\nfirst\s+gpt-4o-mini\s+2\s+\$0\.\d+\s+2026-12-01 09:00:0\d/);
  });
});

describe("tokenwise cost", () => {
  it("prices a real usage exactly (gpt-4o cached vector)", async () => {
    const result = await cli(
      "cost",
      "-m",
      "gpt-4o",
      "--input-tokens",
      "2006",
      "--cached-tokens",
      "1920",
      "-o",
      "300",
      "--json",
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)[0]).toMatchObject({ model: "gpt-4o", total: "0.005615" });
  });

  it("compares models cheapest first and marks the cheapest that fits", async () => {
    const result = await cli(
      "cost",
      "-m",
      "gpt-4o,gpt-4o-mini",
      "-o",
      "100",
      "--json",
      "hello world",
    );
    const rows = JSON.parse(result.out);
    expect(rows.map((row: { model: string }) => row.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    expect(rows[0]).toMatchObject({ cheapestThatFits: true, inputTokens: 2, outputTokens: 100 });
    // 2 × $0.15/M + 100 × $0.60/M = $0.0000603
    expect(rows[0].totalCost).toBe("0.0000603");
  });

  it("rejects a bad flag value with a one-line message and exit code 2", async () => {
    const result = await cli("cost", "-o", "lots", "hello");
    expect(result.code).toBe(2);
    expect(result.err).toContain("expected a whole number such as 500");
  });
});

describe("tokenwise models", () => {
  it("resolves an alias to the dated model and shows its prices", async () => {
    const result = await cli("models", "claude-3-5-sonnet");
    expect(result.code).toBe(0);
    expect(result.out).toContain("claude-3-5-sonnet-20241022");
    expect(result.out).toMatch(/input \/ 1M\s+\$3\.00\n/);
  });

  it("says the tutorial's Claude 3.5 Opus was never released", async () => {
    const result = await cli("models", "claude-3-5-opus");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/never released/i);
  });

  it("filters by provider", async () => {
    const result = await cli("models", "--provider", "anthropic", "--json");
    const models = JSON.parse(result.out) as Array<{ provider: string }>;
    expect(models.length).toBeGreaterThan(3);
    expect(new Set(models.map((model) => model.provider))).toEqual(new Set(["anthropic"]));
  });
});

describe("tokenwise choose", () => {
  it("never picks a model whose window cannot hold the input", async () => {
    const result = await cli("choose", "--task", "long_document", "-i", "300000", "--json");
    expect(result.code).toBe(0);
    const choice = JSON.parse(result.out);
    expect(choice.choice.reasons.join(" ")).toMatch(/context 1,048,576 holds 300,500 tokens/);
    const rejectedGpt4o = choice.rejected.find((row: { model: string }) => row.model === "gpt-4o");
    expect(rejectedGpt4o.reasons.join(" ")).toMatch(/context/);
  });

  it("rejects an unknown priority", async () => {
    const result = await cli("choose", "--priority", "cheap");
    expect(result.code).toBe(1);
    expect(result.err).toContain("--priority must be one of cheapest, fastest, smartest, balanced");
  });
});

describe("tokenwise truncate", () => {
  it("fits the budget and reports what it kept", async () => {
    const text = Array.from({ length: 50 }, (_, index) => `Sentence number ${index}.`).join(" ");
    const result = await cli("truncate", "-n", "20", "--json", text);
    expect(result.code).toBe(0);
    const truncated = JSON.parse(result.out);
    expect(truncated.truncated).toBe(true);
    expect(truncated.totalTokens).toBeLessThanOrEqual(20);
    expect(truncated.text.startsWith("Sentence number 0.")).toBe(true);
    expect(truncated.text.endsWith(" 49.")).toBe(true);
  });

  it("requires --max-tokens", async () => {
    const result = await cli("truncate", "hello");
    expect(result.code).toBe(2);
    expect(result.err).toContain("--max-tokens");
  });
});

describe("tokenwise demo", () => {
  it("runs offline and shows the exact cost vector", async () => {
    const result = await cli("demo");
    expect(result.code).toBe(0);
    expect(result.out).toContain("= $0.005615");
  });
});
