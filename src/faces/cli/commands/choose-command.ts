import type { Command } from "commander";
import type { ModelCapabilities } from "../../../core/catalog/index.js";
import {
  CHOICE_PRIORITIES,
  type ChoicePriority,
  chooseModel,
  TUTORIAL_POLICY,
} from "../../../core/cost/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import type { Picodollars } from "../../../core/money/index.js";
import { formatUsd } from "../../../core/money/index.js";
import { countTextTokens } from "../../../core/tokens/index.js";
import { loadCatalog } from "../catalog-option.js";
import { readInputText } from "../input.js";
import { type Output, processOutput, toJson } from "../output.js";
import { collect, dollars, list, nonNegativeInteger } from "../parse-options.js";
import { formatTable } from "../table.js";

interface ChooseFlags {
  task?: string;
  priority?: string;
  inputTokens?: number;
  file: string[];
  outputTokens?: number;
  needs: string[];
  maxCost?: Picodollars;
  model: string[];
  limit: number;
  json?: boolean;
  force?: boolean;
  catalog?: string;
}

/** `tokenwise choose`: the tutorial's model guide, constrained by facts. */
export function registerChooseCommand(program: Command, output: Output = processOutput): void {
  program
    .command("choose")
    .description(
      "pick a model for a task: the tutorial's guide, constrained by context, capabilities and cost",
    )
    .argument("[text...]", "the prompt, to count its tokens (or --input-tokens, --file, stdin)")
    .option("-t, --task <task>", `one of: ${Object.keys(TUTORIAL_POLICY.tasks).join(", ")}`)
    .option(
      "-p, --priority <priority>",
      `one of: ${CHOICE_PRIORITIES.join(", ")} (default balanced)`,
    )
    .option("-i, --input-tokens <n>", "input tokens of the call", nonNegativeInteger)
    .option("-f, --file <path>", "count the input from a file", collect, [])
    .option(
      "-o, --output-tokens <n>",
      "output tokens of the call (default 500)",
      nonNegativeInteger,
    )
    .option(
      "-n, --needs <capabilities>",
      "required: vision, tools, reasoning, promptCaching, ...",
      list,
      [],
    )
    .option("--max-cost <dollars>", "most one call may cost, e.g. 0.05", dollars)
    .option("-m, --model <names>", "consider only these models", list, [])
    .option("-l, --limit <n>", "candidates to show (default 5)", nonNegativeInteger, 5)
    .option("--json", "print JSON for scripts")
    .option("--force", "accept input that is not valid UTF-8 (invalid bytes become U+FFFD)")
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise choose --task coding
  tokenwise choose --task long_document --input-tokens 300000
  tokenwise choose --priority cheapest --needs vision,tools --max-cost 0.01
  tokenwise choose --task simple_qa -f question.txt --json`,
    )
    .action(async (text: string[], flags: ChooseFlags) => {
      const catalog = await loadCatalog(flags.catalog);
      if (
        flags.priority !== undefined &&
        !CHOICE_PRIORITIES.includes(flags.priority as ChoicePriority)
      ) {
        throw new TokenwiseError(
          "invalid_input",
          `--priority must be one of ${CHOICE_PRIORITIES.join(", ")}; got "${flags.priority}"`,
        );
      }
      let inputTokens = flags.inputTokens;
      if (inputTokens === undefined && (text.length > 0 || flags.file.length > 0)) {
        const input = await readInputText({
          args: text,
          files: flags.file,
          force: flags.force === true,
        });
        inputTokens = countTextTokens(input.text, "o200k_base").tokens;
      }
      const choice = chooseModel({
        ...(flags.task ? { task: flags.task } : {}),
        ...(flags.priority ? { priority: flags.priority as ChoicePriority } : {}),
        ...(inputTokens !== undefined ? { inputTokens } : {}),
        ...(flags.outputTokens !== undefined ? { expectedOutputTokens: flags.outputTokens } : {}),
        ...(flags.needs.length > 0 ? { needs: flags.needs as Array<keyof ModelCapabilities> } : {}),
        ...(flags.maxCost !== undefined ? { maxCostPerCall: flags.maxCost } : {}),
        ...(flags.model.length > 0 ? { models: flags.model } : {}),
        catalog,
      });
      if (flags.json) {
        output.write(toJson(choice));
        return;
      }
      const shown = choice.candidates.slice(0, Math.max(1, flags.limit));
      output.write(`choice: ${choice.choice.model}  (${choice.choice.reasons.join("; ")})\n`);
      output.write(
        formatTable(shown, [
          { header: "rank", value: (row) => String(shown.indexOf(row) + 1), align: "right" },
          { header: "model", value: (row) => row.model },
          {
            header: "worst-case cost",
            value: (row) => formatUsd(row.estimatedCost),
            align: "right",
          },
          { header: "why", value: (row) => row.reasons.join("; ") },
        ]),
      );
      output.write(
        `\n${choice.candidates.length} models qualify, ${choice.rejected.length} rejected (--json shows why).`,
      );
    });
}
