import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogAgeDays, staleCatalogWarning } from "../catalog-option.js";
import type { Output } from "../output.js";
import { run } from "../program.js";

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = {
    write: (text) => out.push(`${text}\n`),
    error: (text) => err.push(`${text}\n`),
  };
  const code = await run(["node", "tokenwise", ...args], output);
  return { code, out: out.join(""), err: err.join("") };
}

const directory = mkdtempSync(join(tmpdir(), "tokenwise-catalog-command-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** LiteLLM's genuine file has no last_updated key; these entries carry its known bugs. */
const LITELLM_FILE = join(directory, "model_prices_and_context_window.json");
writeFileSync(
  LITELLM_FILE,
  JSON.stringify({
    "claude-3-opus-20240229": {
      litellm_provider: "anthropic",
      mode: "chat",
      max_input_tokens: 200000,
      max_output_tokens: 4096,
      input_cost_per_token: 1.5e-5,
      output_cost_per_token: 7.5e-5,
      cache_read_input_token_cost: 1.5e-6,
      cache_creation_input_token_cost: 1.875e-5,
      cache_creation_input_token_cost_above_1hr: 6e-6,
    },
    "gemini/gemini-2.0-flash": {
      litellm_provider: "gemini",
      mode: "chat",
      max_input_tokens: 1048576,
      max_output_tokens: 8192,
      input_cost_per_token: 1e-7,
      output_cost_per_token: 4e-7,
    },
    "gemini-2.0-flash": {
      litellm_provider: "vertex_ai-language-models",
      mode: "chat",
      max_input_tokens: 1048576,
      max_output_tokens: 8192,
      input_cost_per_token: 1.5e-7,
      output_cost_per_token: 6e-7,
    },
    "broken/price-as-text": {
      litellm_provider: "openai",
      mode: "chat",
      max_input_tokens: 1000,
      input_cost_per_token: "0.000001",
      output_cost_per_token: 1e-6,
    },
  }),
);

describe("tokenwise catalog diff", () => {
  it("shows both values of every fact, kept corrections, ignored twins and rejected entries", async () => {
    const result = await cli("catalog", "diff", LITELLM_FILE, "--checked", "2026-07-24");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /claude-3-opus-20240229\s+prices\.cacheWrite1h\s+"30"\s+"6"\s+tokenwise correction kept/,
    );
    expect(result.out).toContain(
      "ignored gemini-2.0-flash: gemini-2.0-flash is built from gemini/gemini-2.0-flash",
    );
    expect(result.out).toContain(
      'rejected broken/price-as-text: input_cost_per_token must be a non-negative number of dollars per token, got "0.000001"',
    );
    expect(result.err).toBe("");
  });

  it("takes the file date of a file without last_updated, with a note", async () => {
    const result = await cli("catalog", "diff", LITELLM_FILE, "--json");
    expect(result.code).toBe(0);
    expect(result.err).toContain("has no last_updated date; taking its file date");
    expect(JSON.parse(result.out).rejected).toHaveLength(1);
  });
});

describe("--catalog with LiteLLM's genuine file", () => {
  it("is accepted, keeps tokenwise's corrections and reports rejected entries", async () => {
    const result = await cli(
      "models",
      "claude-3-opus",
      "--catalog",
      LITELLM_FILE,
      "--checked",
      "2026-07-24",
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/cache write 1h \/ 1M\s+\$30\.00/);
    expect(result.err).toContain("1 entry failed validation and were not imported");
    expect(result.err).toMatch(/kept \d+ of tokenwise's corrections the file would undo/);
  });

  it("prices gemini-2.0-flash from the Gemini API entry, not its Vertex AI twin", async () => {
    const result = await cli(
      "cost",
      "-m",
      "gemini-2.0-flash",
      "--input-tokens",
      "1000000",
      "-o",
      "0",
      "--json",
      "--catalog",
      LITELLM_FILE,
      "--checked",
      "2026-07-24",
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)[0].total).toBe("0.10");
  });
});

describe("tokenwise cost: catalog age", () => {
  it("warns once the built-in prices are older than 90 days, saying how to extend them", () => {
    expect(staleCatalogWarning(new Date("2026-08-01"))).toBeUndefined();
    expect(staleCatalogWarning(new Date("2026-12-03"))).toBe(
      "tokenwise: the built-in prices were checked 2026-07-24 (132 days ago) and may be out of date. " +
        "Extend them with a newer LiteLLM price file: --catalog model_prices_and_context_window.json " +
        "(tokenwise catalog diff FILE shows what it would change), or your own prices in tokenwise's format.",
    );
  });

  it("prints the warning on stderr from the command", async () => {
    const result = await cli("cost", "-m", "gpt-4o", "--input-tokens", "100", "-o", "10", "--json");
    expect(result.code).toBe(0);
    expect(result.err.includes("may be out of date")).toBe(catalogAgeDays() > 90);
    JSON.parse(result.out);
  });
});
