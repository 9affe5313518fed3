import type { Command } from "commander";
import { TokenwiseError } from "../../../core/errors/index.js";
import {
  DEFAULT_TRUNCATION_MARKER,
  type EncodingName,
  isEncodingName,
  type TruncationStrategy,
  truncateText,
} from "../../../core/tokens/index.js";
import { loadCatalog } from "../catalog-option.js";
import { readInputText } from "../input.js";
import { type Output, processOutput, toJson } from "../output.js";
import { collect, fraction, modelName, positiveInteger } from "../parse-options.js";

const STRATEGIES: readonly TruncationStrategy[] = ["head-tail", "head", "tail", "middle-out"];

interface TruncateFlags {
  maxTokens: number;
  file: string[];
  model?: string;
  strategy: string;
  headRatio?: number;
  marker?: string;
  json?: boolean;
  force?: boolean;
  catalog?: string;
}

/** `tokenwise truncate`: cut text to a token budget without losing its meaning at the edges. */
export function registerTruncateCommand(program: Command, output: Output = processOutput): void {
  program
    .command("truncate")
    .description("cut text to a token budget, keeping the start and end (stats on stderr)")
    .argument("[text...]", "text to truncate (or use --file, or pipe on stdin)")
    .requiredOption("-n, --max-tokens <n>", "token budget for the result", positiveInteger)
    .option("-f, --file <path>", "read text from a file (- for stdin)", collect, [])
    .option(
      "-m, --model <name>",
      "model or encoding whose tokens count (default gpt-4o)",
      modelName,
    )
    .option("-s, --strategy <name>", `one of ${STRATEGIES.join(", ")}`, "head-tail")
    .option(
      "--head-ratio <fraction>",
      "share of the budget kept from the start (head-tail, default 0.8)",
      fraction,
    )
    .option("--marker <text>", "elision marker, counted in the budget", DEFAULT_TRUNCATION_MARKER)
    .option("--json", "print JSON (text and token figures) instead of the text")
    .option("--force", "accept input that is not valid UTF-8 (invalid bytes become U+FFFD)")
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise truncate -n 4000 -f long-report.md > short.md
  cat log.txt | tokenwise truncate -n 500 --strategy tail
  tokenwise truncate -n 1000 --strategy middle-out --json -f notes.txt

Claude and Gemini have no offline tokenizer: for them truncation counts with o200k_base, which
usually gives fewer tokens than theirs (Claude ~1.2x more): leave headroom.`,
    )
    .action(async (text: string[], flags: TruncateFlags) => {
      if (!STRATEGIES.includes(flags.strategy as TruncationStrategy)) {
        throw new TokenwiseError(
          "invalid_input",
          `--strategy must be one of ${STRATEGIES.join(", ")}; got "${flags.strategy}"`,
        );
      }
      const catalog = await loadCatalog(flags.catalog);
      const name = flags.model ?? "gpt-4o";
      const tokenizerName = isEncodingName(name) ? name : catalog.get(name).tokenizer;
      const encoding: EncodingName = isEncodingName(tokenizerName) ? tokenizerName : "o200k_base";
      const input = await readInputText({
        args: text,
        files: flags.file,
        force: flags.force === true,
      });
      const result = truncateText(input.text, {
        maxTokens: flags.maxTokens,
        tokenizer: encoding,
        strategy: flags.strategy as TruncationStrategy,
        ...(flags.headRatio !== undefined ? { headRatio: flags.headRatio } : {}),
        ...(flags.marker !== undefined ? { marker: flags.marker } : {}),
      });
      if (flags.json) {
        output.write(toJson({ ...result, encoding, strategy: flags.strategy }));
        return;
      }
      output.write(result.text);
      output.error(
        result.truncated
          ? `truncated ${result.originalTokens} → ${result.totalTokens} tokens (${encoding}, ${flags.strategy}): kept ${result.keptTokens}, dropped ${result.droppedTokens}`
          : `fits: ${result.originalTokens} tokens <= ${flags.maxTokens} (${encoding}); unchanged`,
      );
    });
}
