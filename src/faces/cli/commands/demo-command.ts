import type { Command } from "commander";
import { CATALOG_CHECKED } from "../../../core/catalog/index.js";
import {
  chooseModel,
  compareCosts,
  costFromUsage,
  usageFromOpenAI,
} from "../../../core/cost/index.js";
import { formatUsd } from "../../../core/money/index.js";
import { countTextTokens, truncateText } from "../../../core/tokens/index.js";
import { loadCatalog } from "../catalog-option.js";
import { type Output, processOutput } from "../output.js";
import { formatInteger, formatPercent, formatTable } from "../table.js";
import { TUTORIAL_MODELS } from "./cost-command.js";

const SAMPLES: Array<[string, string]> = [
  ["English", "Hello, how are you today?"],
  ["Code", "def calculate_average(numbers: list[float]) -> float:"],
  ["Arabic", "مرحبا كيف حالك"],
  ["Numbers", "1234567890"],
];

/** `tokenwise demo`: an offline tour of token economics, no keys or servers needed. */
export function registerDemoCommand(program: Command, output: Output = processOutput): void {
  program
    .command("demo")
    .description(
      "an offline tour: token counts, cost comparison, real cost, model choice, truncation",
    )
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .action(async (flags: { catalog?: string }) => {
      const catalog = await loadCatalog(flags.catalog);
      output.write("tokenwise demo: everything below is computed offline.\n");

      output.write("1. Tokens are not characters (gpt-4o, o200k_base, exact):");
      output.write(
        formatTable(SAMPLES, [
          { header: "text", value: ([label]) => label },
          { header: "chars", value: ([, text]) => String([...text].length), align: "right" },
          {
            header: "tokens",
            value: ([, text]) => String(countTextTokens(text, "o200k_base").tokens),
            align: "right",
          },
          { header: "sample", value: ([, text]) => text },
        ]),
      );

      const prompt =
        "Explain quantum computing in detail with examples, covering qubits, superposition, entanglement and one real algorithm.";
      output.write(
        `\n2. One prompt, 500 output tokens, on the tutorial's models (prices checked ${CATALOG_CHECKED}):`,
      );
      const rows = compareCosts({
        input: prompt,
        expectedOutputTokens: 500,
        models: TUTORIAL_MODELS,
        catalog,
      });
      output.write(
        formatTable(rows, [
          { header: "model", value: (row) => `${row.cheapestThatFits ? "* " : "  "}${row.model}` },
          {
            header: "input tokens",
            value: (row) => `${row.exact ? "" : "~"}${row.inputTokens}`,
            align: "right",
          },
          { header: "total", value: (row) => formatUsd(row.totalCost), align: "right" },
          {
            header: "context used",
            value: (row) => formatPercent(row.contextUsed),
            align: "right",
          },
        ]),
      );
      const cheapest = rows[0];
      const dearest = rows.at(-1);
      if (cheapest && dearest && cheapest.totalCost > 0n) {
        const ratio = Number((dearest.totalCost * 10n) / cheapest.totalCost) / 10;
        output.write(
          `   ${dearest.model} costs ${ratio}x ${cheapest.model} for the same call.  (* cheapest that fits, ~ estimate)`,
        );
      }

      output.write(
        "\n3. Real cost from provider usage (gpt-4o, 2006 prompt tokens of which 1920 cached, 300 out):",
      );
      const usage = usageFromOpenAI({
        prompt_tokens: 2006,
        completion_tokens: 300,
        prompt_tokens_details: { cached_tokens: 1920 },
      });
      const cost = costFromUsage("gpt-4o", usage, { catalog });
      output.write(
        `   uncached ${formatUsd(cost.input)} + cached ${formatUsd(cost.cachedInput)} + output ${formatUsd(cost.output)} = ${formatUsd(cost.total)} (exact, no float drift)`,
      );

      output.write("\n4. Choosing a model for a 300,000-token document:");
      const choice = chooseModel({ task: "long_document", inputTokens: 300_000, catalog });
      output.write(`   ${choice.choice.model}: ${choice.choice.reasons.join("; ")}`);
      output.write(
        `   (${choice.rejected.length} models rejected, e.g. windows too small for the input)`,
      );

      const longText = Array.from(
        { length: 60 },
        (_, index) => `Paragraph ${index + 1}: tokens cost money, and context windows are finite.`,
      ).join("\n");
      const truncated = truncateText(longText, { maxTokens: 60, tokenizer: "o200k_base" });
      output.write(
        `\n5. Smart truncation (head-tail 80/20): ${formatInteger(truncated.originalTokens)} → ${truncated.totalTokens} tokens, marker counted:`,
      );
      output.write(truncated.text.replace(/^/gm, "   | "));
      output.write(
        "\nNext: tokenwise tokens --help, tokenwise cost --help, tokenwise models, tokenwise choose --help",
      );
    });
}
