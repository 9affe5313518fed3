import type { Command } from "commander";
import type { FieldChange } from "../../../core/catalog/index.js";
import { checkedDate, mergeLiteLLMFile, readJsonFile } from "../catalog-option.js";
import { type Output, processOutput, toJson } from "../output.js";
import { formatTable } from "../table.js";

interface CatalogDiffFlags {
  checked?: string;
  json?: boolean;
}

const OUTCOME_LABELS: Record<FieldChange["outcome"], string> = {
  updated: "file value applies",
  "kept-correction": "tokenwise correction kept",
  "file-wins-over-correction": "newer file overrides correction",
};

/** `tokenwise catalog diff FILE`: what a LiteLLM price file would change in the catalog. */
export function registerCatalogCommand(program: Command, output: Output = processOutput): void {
  const catalog = program.command("catalog").description("inspect the model catalog's data");
  catalog
    .command("diff")
    .description("show what a LiteLLM model_prices_and_context_window.json would change")
    .argument("<file>", "the LiteLLM price file")
    .option(
      "--checked <date>",
      "the date the file was downloaded (default: its last_updated, else its file date)",
      checkedDate,
    )
    .option("--json", "print JSON for scripts")
    .addHelpText(
      "after",
      `
Example:
  tokenwise catalog diff model_prices_and_context_window.json --checked 2026-11-30

Every fact the file would change is listed with both values. A fact tokenwise corrected keeps
tokenwise's value while the file still has the value that was corrected; a newer file that
changed it on purpose wins. Entries that fail validation are listed with the reason.`,
    )
    .action(async (file: string, flags: CatalogDiffFlags) => {
      const json = await readJsonFile(file);
      const merge = await mergeLiteLLMFile(file, json, {
        ...(flags.checked !== undefined ? { checked: flags.checked } : {}),
        output,
      });
      if (flags.json) {
        const { entries: _entries, ...report } = merge;
        output.write(toJson(report));
        return;
      }
      const show = (value: unknown) => (value === undefined ? "-" : JSON.stringify(value));
      if (merge.changes.length === 0) {
        output.write(`No built-in model changes (file checked ${merge.checked}).`);
      } else {
        output.write(
          formatTable(merge.changes, [
            { header: "model", value: (change) => change.model },
            { header: "field", value: (change) => change.field },
            { header: "built-in", value: (change) => show(change.builtIn) },
            { header: "file", value: (change) => show(change.file) },
            { header: "outcome", value: (change) => OUTCOME_LABELS[change.outcome] },
          ]),
        );
      }
      output.write("");
      output.write(
        `${merge.changes.length} changed facts, ${merge.added.length} new models, ` +
          `${merge.ignored.length} entries ignored as twins of a built-in model built from another entry, ` +
          `${merge.rejected.length} entries rejected (file checked ${merge.checked}).`,
      );
      for (const ignored of merge.ignored) {
        output.write(
          `  ignored ${ignored.key}: ${ignored.model} is built from ${ignored.builtFrom}`,
        );
      }
      for (const rejected of merge.rejected) {
        output.write(`  rejected ${rejected.key}: ${rejected.detail}`);
      }
    });
}
