import type { Command } from "commander";
import { type LedgerSavings, ledgerSavings } from "../../../apps/report/index.js";
import { formatUsd } from "../../../core/money/index.js";
import { type Output, processOutput, toJson } from "../output.js";
import { formatInteger, formatPercent, formatTable } from "../table.js";
import {
  type LedgerFlags,
  openLedgerFromFlags,
  timeWindowFromFlags,
  withLedgerOptions,
} from "./report-command.js";

interface SavingsFlags extends LedgerFlags {
  since?: string;
  until?: string;
  scope?: string;
  json?: boolean;
}

/** `tokenwise savings`: what tokenwise's caches and the provider's prompt cache saved, from a ledger. */
export function registerSavingsCommand(program: Command, output: Output = processOutput): void {
  withLedgerOptions(
    program
      .command("savings")
      .description("what did tokenwise save us: cache hits and prompt caching, from a ledger"),
  )
    .option("--since <when>", "start: 2026-12-01, 2026-12-01T09:00:00Z, or back from now: 7d")
    .option("--until <when>", "end (a bare date includes that whole day)")
    .option("--scope <scope>", "only this ledger scope")
    .option("--json", "print JSON (money as exact decimal dollars)")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise savings --ledger .tokenwise
  tokenwise savings --ledger redis://127.0.0.1:6379 --since 30d --json

Cache hits count what each hit's metadata.savedCost says it would have cost: a response-cache
hit the reply on the requested model, an embedding call the inputs the embedding cache answered
(their tokens at the model's input price; a partly cached call saves only that part). The
provider's prompt cache counts cached input tokens at the model's input price minus the
cached price (cache-write surcharges subtracted), from the model catalog.`,
    )
    .action(async (flags: SavingsFlags) => {
      const now = Date.now();
      const ledger = openLedgerFromFlags(flags);
      try {
        const savings = await ledgerSavings({
          ledger,
          scope: flags.scope,
          ...timeWindowFromFlags(flags, now),
        });
        output.write(flags.json ? toJson(savings) : formatSavings(savings));
      } finally {
        await ledger.close();
      }
    });
}

/**
 * @example
 * ```ts
 * output.write(formatSavings(await ledgerSavings({ ledger })));
 * ```
 */
export function formatSavings(savings: LedgerSavings): string {
  if (savings.calls === 0) return "No spend records in this window: nothing spent, nothing saved.";
  const saved = savings.cacheHitSaved + savings.promptCacheSaved;
  const lines = [
    `Saved ${formatUsd(saved)} (${formatPercent(savings.savedFraction)} of the ${formatUsd(savings.withoutSavings)} these ${formatInteger(savings.calls)} calls would have cost).`,
    "",
    formatTable(
      [
        ["spent", formatUsd(savings.spent), ""],
        [
          "saved by cache hits",
          formatUsd(savings.cacheHitSaved),
          savings.partialCacheHits > 0
            ? `${formatInteger(savings.cacheHits)} hits, ${formatInteger(savings.partialCacheHits)} partial`
            : `${formatInteger(savings.cacheHits)} hits`,
        ],
        [
          "saved by the provider's prompt cache",
          formatUsd(savings.promptCacheSaved),
          `${formatInteger(savings.promptCachedTokens)} cached input tokens`,
        ],
        ["would have cost", formatUsd(savings.withoutSavings), ""],
      ],
      [
        { header: "", value: (row) => row[0] ?? "" },
        { header: "dollars", value: (row) => row[1] ?? "", align: "right" },
        { header: "", value: (row) => row[2] ?? "" },
      ],
    ),
    "",
    formatTable(savings.byModel, [
      { header: "model", value: (model) => model.model },
      { header: "calls", value: (model) => formatInteger(model.calls), align: "right" },
      { header: "hits", value: (model) => formatInteger(model.cacheHits), align: "right" },
      { header: "spent", value: (model) => formatUsd(model.spent), align: "right" },
      { header: "hits saved", value: (model) => formatUsd(model.cacheHitSaved), align: "right" },
      {
        header: "prompt cache saved",
        value: (model) => formatUsd(model.promptCacheSaved),
        align: "right",
      },
    ]),
  ];
  if (savings.cacheHitsWithoutSavedCost > 0) {
    lines.push(
      "",
      `note: ${formatInteger(savings.cacheHitsWithoutSavedCost)} cache hits carry no savedCost (records written before tokenwise priced embedding hits, or by a writer that does not price its hits); their savings are not counted.`,
    );
  }
  if (savings.unpricedModels.length > 0) {
    lines.push(
      "",
      `note: the catalog has no prices for ${savings.unpricedModels.join(", ")}; their prompt-cache savings are not counted.`,
    );
  }
  return lines.join("\n");
}
