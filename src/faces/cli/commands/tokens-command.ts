import type { Command } from "commander";
import {
  createStreamingTokenCounter,
  type EncodingName,
  isEncodingName,
  type TokenizerName,
} from "../../../core/tokens/index.js";
import { loadCatalog } from "../catalog-option.js";
import { streamInputs } from "../input.js";
import { type Output, processOutput, toJson } from "../output.js";
import { collect, list } from "../parse-options.js";
import { formatInteger, formatTable } from "../table.js";

interface TokensFlags {
  model: string[];
  file: string[];
  ids?: boolean;
  json?: boolean;
  force?: boolean;
  catalog?: string;
}

interface TokenRow {
  source: string;
  model: string;
  tokenizer: string;
  tokens: number;
  exact: boolean;
  method: string;
  characters: number;
  ids?: number[];
}

/** `tokenwise tokens`: exact token counts (or labelled estimates) per model. */
export function registerTokensCommand(program: Command, output: Output = processOutput): void {
  program
    .command("tokens")
    .description("count tokens of text for one or more models or encodings")
    .argument("[text...]", "text to count (or use --file, or pipe on stdin)")
    .option(
      "-m, --model <names>",
      "models or encodings, comma-separated (default gpt-4o)",
      list,
      [],
    )
    .option("-f, --file <path>", "read text from a file (repeatable; - for stdin)", collect, [])
    .option("--ids", "also print the token ids (exact encodings only)")
    .option("--json", "print JSON for scripts")
    .option("--force", "count input that is not valid UTF-8 (invalid bytes become U+FFFD)")
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise tokens "Hello, how are you today?"
  tokenwise tokens -m gpt-4o,gpt-4,claude-3-5-sonnet -f README.md
  cat prompt.txt | tokenwise tokens -m o200k_base --ids
  tokenwise tokens --json "مرحبا كيف حالك"

Claude and Gemini publish no offline tokenizer: their counts are estimates and say so.
Input is read in parts and counted as it arrives, so big files need little memory.`,
    )
    .action(async (text: string[], flags: TokensFlags) => {
      const catalog = await loadCatalog(flags.catalog);
      const inputs = streamInputs({ args: text, files: flags.file, force: flags.force === true });
      const names = flags.model.length > 0 ? flags.model : ["gpt-4o"];
      const targets = names.map((name) => ({
        model: isEncodingName(name) ? name : catalog.get(name).id,
        tokenizer: (isEncodingName(name) ? name : catalog.get(name).tokenizer) as TokenizerName,
      }));
      const idEncodings = flags.ids
        ? targets.map((target) => target.tokenizer).filter(isEncodingName)
        : ([] as EncodingName[]);
      const rows: TokenRow[] = [];
      for (const input of inputs) {
        const counter = createStreamingTokenCounter({
          tokenizers: targets.map((target) => target.tokenizer),
          ids: idEncodings,
        });
        for await (const part of input.parts()) counter.write(part);
        const { counts, characters, ids } = counter.end();
        targets.forEach((target, index) => {
          const count = counts[index] ?? { tokens: 0, exact: false, method: "" };
          const row: TokenRow = {
            source: input.source,
            model: target.model,
            tokenizer: target.tokenizer,
            tokens: count.tokens,
            exact: count.exact,
            method: count.method,
            characters,
          };
          const targetIds = isEncodingName(target.tokenizer)
            ? ids.get(target.tokenizer)
            : undefined;
          if (targetIds !== undefined) row.ids = targetIds;
          rows.push(row);
        });
      }
      if (flags.json) {
        output.write(toJson(rows));
        return;
      }
      const showSource = inputs.length > 1;
      output.write(
        formatTable(rows, [
          ...(showSource ? [{ header: "input", value: (row: TokenRow) => row.source }] : []),
          { header: "model", value: (row) => row.model },
          { header: "tokenizer", value: (row) => row.tokenizer },
          {
            header: "tokens",
            value: (row) => `${row.exact ? "" : "~"}${formatInteger(row.tokens)}`,
            align: "right",
          },
          { header: "chars", value: (row) => formatInteger(row.characters), align: "right" },
          {
            header: "chars/token",
            value: (row) => (row.tokens === 0 ? "-" : (row.characters / row.tokens).toFixed(2)),
            align: "right",
          },
          { header: "count", value: (row) => (row.exact ? "exact" : row.method) },
        ]),
      );
      for (const row of rows) {
        if (row.ids) output.write(`${row.model} ids: ${row.ids.join(" ")}`);
      }
    });
}
