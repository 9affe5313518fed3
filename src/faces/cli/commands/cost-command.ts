import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Catalog } from "../../../core/catalog/index.js";
import {
  type CostComparisonRow,
  compareCosts,
  costFromUsage,
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
} from "../../../core/cost/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import type { ChatMessage, ToolDefinition } from "../../../core/messages/index.js";
import { formatUsd } from "../../../core/money/index.js";
import { checkedDate, loadCatalog, staleCatalogWarning } from "../catalog-option.js";
import { readInputText } from "../input.js";
import { type Output, processOutput, toJson } from "../output.js";
import { collect, list, nonNegativeInteger } from "../parse-options.js";
import { formatInteger, formatPercent, formatTable } from "../table.js";

/** Popular current models compared when no `--model` is given. */
export const DEFAULT_COMPARISON_MODELS = [
  "gpt-5",
  "gpt-5-mini",
  "gpt-4.1",
  "gpt-4.1-mini",
  "gpt-4o",
  "gpt-4o-mini",
  "o3",
  "o4-mini",
  "claude-opus-4-1",
  "claude-sonnet-4-5",
  "claude-haiku-4-5",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "gemini-2.5-flash-lite",
];

/** The models of the tutorial's comparison table that were actually released. */
export const TUTORIAL_MODELS = [
  "gpt-4.5",
  "gpt-4o",
  "gpt-4o-mini",
  "o1",
  "o1-mini",
  "claude-3-5-sonnet",
  "claude-3-5-haiku",
  "claude-3-opus",
  "gemini-2.0-flash",
  "gemini-1.5-pro",
];

interface CostFlags {
  model: string[];
  file: string[];
  messages?: string;
  outputTokens?: number;
  all?: boolean;
  tutorial?: boolean;
  inputTokens?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  batch?: boolean;
  cacheTtl?: string;
  json?: boolean;
  catalog?: string;
  checked?: string;
}

/** `tokenwise cost`: pre-flight estimates across models, or the real cost of a provider usage. */
export function registerCostCommand(program: Command, output: Output = processOutput): void {
  program
    .command("cost")
    .description("estimate what a prompt costs on each model, or price a real usage")
    .argument("[text...]", "the prompt (or use --file, --messages, or stdin)")
    .option("-m, --model <names>", "models to compare, comma-separated", list, [])
    .option(
      "-f, --file <path>",
      "read the prompt from a file (repeatable; - for stdin)",
      collect,
      [],
    )
    .option("--messages <file>", "a JSON chat request ({ messages, tools }) or messages array")
    .option(
      "-o, --output-tokens <n>",
      `expected output tokens (default ${DEFAULT_EXPECTED_OUTPUT_TOKENS}); with --input-tokens, the actual output`,
      nonNegativeInteger,
    )
    .option("--all", "compare every current chat model in the catalog")
    .option("--tutorial", "compare the models of the tutorial's table")
    .option("--input-tokens <n>", "price a real usage: all input tokens", nonNegativeInteger)
    .option(
      "--cached-tokens <n>",
      "of the input, tokens read from the prompt cache",
      nonNegativeInteger,
    )
    .option(
      "--cache-write-tokens <n>",
      "of the input, tokens written to the cache",
      nonNegativeInteger,
    )
    .option("--reasoning-tokens <n>", "of the output, reasoning tokens", nonNegativeInteger)
    .option("--batch", "price at Batch API rates")
    .option("--cache-ttl <ttl>", "cache-write lifetime for pricing: 5m or 1h", "5m")
    .option("--json", "print JSON for scripts (money as exact dollar strings)")
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .option(
      "--checked <date>",
      "the date a LiteLLM --catalog file was downloaded (default: its last_updated, else its file date)",
      checkedDate,
    )
    .addHelpText(
      "after",
      `
Examples:
  tokenwise cost "Explain quantum computing in detail with examples..."
  tokenwise cost -f prompt.md -o 1200 -m gpt-4o,claude-sonnet-4-5,gemini-2.5-flash
  tokenwise cost --messages request.json --all --json
  tokenwise cost -m gpt-4o --input-tokens 2006 --cached-tokens 1920 -o 300

Estimates count input exactly for OpenAI models; Claude and Gemini counts are estimates (~).
With --input-tokens the command prices a usage you already have (no text needed).`,
    )
    .action(async (text: string[], flags: CostFlags) => {
      const catalog = await loadCatalog(flags.catalog, {
        ...(flags.checked !== undefined ? { checked: flags.checked } : {}),
        output,
      });
      const stale = staleCatalogWarning();
      if (stale !== undefined && (flags.catalog ?? process.env.TOKENWISE_CATALOG ?? "") === "") {
        output.error(stale);
      }
      if (flags.inputTokens !== undefined) {
        priceUsage(flags, catalog, output);
        return;
      }
      const request = flags.messages
        ? await readChatRequest(flags.messages)
        : { input: (await readInputText({ args: text, files: flags.file })).text };
      const models = flags.all
        ? undefined
        : flags.model.length > 0
          ? flags.model
          : flags.tutorial
            ? TUTORIAL_MODELS
            : DEFAULT_COMPARISON_MODELS.filter((name) => catalog.has(name));
      const rows = compareCosts({
        ...request,
        expectedOutputTokens: flags.outputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS,
        ...(models ? { models } : {}),
        catalog,
      });
      if (flags.json) {
        output.write(toJson(rows));
        return;
      }
      output.write(renderComparison(rows));
    });
}

function renderComparison(rows: CostComparisonRow[]): string {
  const table = formatTable(rows, [
    { header: "model", value: (row) => `${row.cheapestThatFits ? "* " : "  "}${row.model}` },
    {
      header: "input tokens",
      value: (row) => `${row.exact ? "" : "~"}${formatInteger(row.inputTokens)}`,
      align: "right",
    },
    { header: "output", value: (row) => formatInteger(row.outputTokens), align: "right" },
    { header: "input cost", value: (row) => formatUsd(row.inputCost), align: "right" },
    { header: "output cost", value: (row) => formatUsd(row.outputCost), align: "right" },
    { header: "total", value: (row) => formatUsd(row.totalCost), align: "right" },
    { header: "context used", value: (row) => formatPercent(row.contextUsed), align: "right" },
    { header: "fits", value: (row) => (row.fits ? "yes" : `no: ${row.reasons?.join("; ")}`) },
  ]);
  const notes = ["* cheapest model that fits"];
  if (rows.some((row) => !row.exact)) notes.push("~ estimated count (no offline tokenizer)");
  return `${table}\n\n${notes.join("   ")}`;
}

function priceUsage(flags: CostFlags, catalog: Catalog, output: Output): void {
  if (flags.cacheTtl !== "5m" && flags.cacheTtl !== "1h") {
    throw new TokenwiseError(
      "invalid_input",
      `--cache-ttl must be 5m or 1h, got "${flags.cacheTtl}"`,
    );
  }
  const usage = {
    inputTokens: flags.inputTokens ?? 0,
    cachedInputTokens: flags.cachedTokens ?? 0,
    cacheWriteTokens: flags.cacheWriteTokens ?? 0,
    outputTokens: flags.outputTokens ?? 0,
    reasoningTokens: flags.reasoningTokens ?? 0,
  };
  const models = flags.model.length > 0 ? flags.model : ["gpt-4o"];
  const rows = models.map((name) =>
    costFromUsage(name, usage, {
      batch: flags.batch ?? false,
      cacheWriteTtl: flags.cacheTtl as "5m" | "1h",
      catalog,
    }),
  );
  if (flags.json) {
    output.write(toJson(rows.map((row) => ({ ...row, usage }))));
    return;
  }
  output.write(
    formatTable(rows, [
      { header: "model", value: (row) => row.model },
      { header: "input", value: (row) => formatUsd(row.input), align: "right" },
      { header: "cached", value: (row) => formatUsd(row.cachedInput), align: "right" },
      { header: "cache write", value: (row) => formatUsd(row.cacheWrite), align: "right" },
      { header: "output", value: (row) => formatUsd(row.output), align: "right" },
      { header: "(reasoning)", value: (row) => formatUsd(row.reasoning), align: "right" },
      { header: "total", value: (row) => formatUsd(row.total), align: "right" },
      {
        header: "pricing",
        value: (row) =>
          [
            row.batch ? "batch" : "",
            row.tier ? `tier >${formatInteger(row.tier.aboveInputTokens)}` : "",
          ]
            .filter(Boolean)
            .join(", ") || "standard",
      },
    ]),
  );
}

async function readChatRequest(
  path: string,
): Promise<{ input: ChatMessage[]; tools?: ToolDefinition[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TokenwiseError(
      code === "ENOENT" ? "not_found" : "invalid_input",
      code === "ENOENT"
        ? `messages file not found: ${path} (check the path given to --messages)`
        : code === "EISDIR"
          ? `--messages ${path} is a directory; pass a JSON file`
          : `cannot read --messages ${path}: ${code ?? String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenwiseError(
      "invalid_input",
      `--messages ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const request = Array.isArray(json) ? { messages: json } : (json as Record<string, unknown>);
  if (!Array.isArray(request.messages)) {
    throw new TokenwiseError(
      "invalid_input",
      `--messages ${path} must hold a messages array or an object with "messages": [...]`,
    );
  }
  const tools = Array.isArray(request.tools) ? (request.tools as ToolDefinition[]) : undefined;
  return { input: request.messages as ChatMessage[], ...(tools ? { tools } : {}) };
}
