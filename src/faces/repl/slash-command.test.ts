import { describe, expect, it } from "vitest";
import { helpText, parseSlashCommand, unknownCommandLine } from "./slash-command.js";

describe("parseSlashCommand", () => {
  it("reads commands with their argument, case-insensitively", () => {
    expect(parseSlashCommand("/model gpt-4o")).toEqual({
      kind: "command",
      name: "model",
      argument: "gpt-4o",
    });
    expect(parseSlashCommand("  /BUDGET   1.50 ")).toEqual({
      kind: "command",
      name: "budget",
      argument: "1.50",
    });
    expect(parseSlashCommand("/quit")).toEqual({ kind: "command", name: "exit", argument: "" });
  });

  it("leaves messages alone and flags unknown commands", () => {
    expect(parseSlashCommand("what does /stats do?")).toBeUndefined();
    expect(parseSlashCommand("/frobnicate now")).toEqual({ kind: "unknown", typed: "/frobnicate" });
    expect(unknownCommandLine("/frobnicate")).toBe(
      "Unknown command /frobnicate. Commands: /stats, /model NAME, /budget AMOUNT, /summarize, /history, /save, /reset, /help, /exit",
    );
  });

  it("lists every command in /help", () => {
    const lines = helpText().split("\n");
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe("  /stats          tokens, cost, budget left, per-model spend");
  });
});
