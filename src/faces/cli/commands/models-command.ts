import type { Command } from "commander";
import type { ModelCapabilities, ModelInfo } from "../../../core/catalog/index.js";
import { CAPABILITY_NAMES, CATALOG_CHECKED } from "../../../core/catalog/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import { checkedDate, loadCatalog } from "../catalog-option.js";
import { type Output, processOutput, toJson } from "../output.js";
import { formatInteger, formatTable } from "../table.js";

interface ModelsFlags {
  provider?: string;
  mode?: string;
  capability?: string;
  all?: boolean;
  json?: boolean;
  catalog?: string;
  checked?: string;
}

/** A per-million price for display, with at least cents: "2.5" → "$2.50". */
export function price(value: string | undefined): string {
  if (value === undefined) return "-";
  const [whole, fraction = ""] = value.split(".");
  return `$${whole}.${fraction.padEnd(2, "0")}`;
}

function capabilityList(model: ModelInfo): string {
  return CAPABILITY_NAMES.filter((name) => model.capabilities[name]).join(", ");
}

function describeModel(model: ModelInfo): string {
  const lines: Array<[string, string]> = [
    ["model", `${model.id} (${model.displayName})`],
    ["provider", model.provider],
    ["mode", model.mode],
    ["tokenizer", model.tokenizer],
    ["context window", `${formatInteger(model.contextWindow)} tokens`],
    ["max output", `${formatInteger(model.maxOutputTokens)} tokens`],
  ];
  if (model.maxInputTokens !== undefined) {
    lines.push(["max input", `${formatInteger(model.maxInputTokens)} tokens`]);
  }
  const prices = model.prices;
  lines.push(["input / 1M", price(prices.input)], ["output / 1M", price(prices.output)]);
  if (prices.cachedInput) lines.push(["cached input / 1M", price(prices.cachedInput)]);
  if (prices.cacheWrite) lines.push(["cache write / 1M", price(prices.cacheWrite)]);
  if (prices.cacheWrite1h) lines.push(["cache write 1h / 1M", price(prices.cacheWrite1h)]);
  if (prices.batchInput) {
    lines.push([
      "batch in / out / 1M",
      `${price(prices.batchInput)} / ${price(prices.batchOutput)}`,
    ]);
  }
  if (prices.audioInput || prices.audioOutput) {
    lines.push([
      "audio in / out / 1M",
      `${price(prices.audioInput ?? prices.input)} / ${price(prices.audioOutput ?? prices.output)}`,
    ]);
  }
  if (prices.from) lines.push(["prices since", prices.from]);
  const periods = model.priceHistory ?? [];
  periods.forEach((period, index) => {
    const until = periods[index + 1]?.prices.from ?? prices.from ?? "?";
    lines.push([
      `before ${until}`,
      `${price(period.prices.input)} in / ${price(period.prices.output)} out${period.tiers?.length ? " (with long-context tiers)" : ""}`,
    ]);
  });
  for (const tier of model.tiers ?? []) {
    lines.push([
      `above ${formatInteger(tier.aboveInputTokens)} input`,
      `${price(tier.input)} in / ${price(tier.output)} out (whole request)`,
    ]);
  }
  if (model.embeddingDimensions) lines.push(["dimensions", String(model.embeddingDimensions)]);
  lines.push(["capabilities", capabilityList(model) || "-"]);
  if (model.speed) lines.push(["speed (tutorial)", model.speed]);
  if (model.costClass) lines.push(["cost class (tutorial)", "$".repeat(model.costClass)]);
  if (model.aliases.length > 0) lines.push(["aliases", model.aliases.join(", ")]);
  if (model.deprecationDate) lines.push(["deprecation", model.deprecationDate]);
  lines.push(["source", `${model.source} (checked ${model.checked})`]);
  if (model.notes) lines.push(["notes", model.notes]);
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}

/** `tokenwise models`: the dated catalog, filtered, or one model in detail. */
export function registerModelsCommand(program: Command, output: Output = processOutput): void {
  program
    .command("models")
    .description("list the model catalog (prices per million tokens), or show one model")
    .argument("[name]", "a model name or alias to show in detail, or text to filter by")
    .option("-p, --provider <name>", "only this provider (openai, anthropic, google)")
    .option("--mode <mode>", "chat or embedding")
    .option(
      "-c, --capability <name>",
      `only models with this capability (${CAPABILITY_NAMES.join(", ")})`,
    )
    .option("--all", "include deprecated models")
    .option("--json", "print JSON for scripts")
    .option("--catalog <file>", "extend the model catalog with your own JSON file")
    .option("--checked <date>", "the date a LiteLLM --catalog file was downloaded", checkedDate)
    .addHelpText(
      "after",
      `
Examples:
  tokenwise models
  tokenwise models --provider anthropic --all
  tokenwise models claude-3-5-sonnet
  tokenwise models --capability vision --json

Prices come from public price lists checked ${CATALOG_CHECKED}; override them with --catalog.`,
    )
    .action(async (name: string | undefined, flags: ModelsFlags) => {
      const catalog = await loadCatalog(flags.catalog, {
        ...(flags.checked !== undefined ? { checked: flags.checked } : {}),
        output,
      });
      if (flags.mode !== undefined && flags.mode !== "chat" && flags.mode !== "embedding") {
        throw new TokenwiseError(
          "invalid_input",
          `--mode must be chat or embedding, got "${flags.mode}"`,
        );
      }
      const capability = flags.capability as keyof ModelCapabilities | undefined;
      if (capability !== undefined && !CAPABILITY_NAMES.includes(capability)) {
        throw new TokenwiseError(
          "invalid_input",
          `--capability must be one of ${CAPABILITY_NAMES.join(", ")}; got "${flags.capability}"`,
        );
      }
      const exact = name === undefined ? undefined : catalog.find(name);
      if (exact) {
        output.write(flags.json ? toJson(exact) : describeModel(exact));
        return;
      }
      const needle = name?.trim().toLowerCase();
      const models = catalog
        .list({
          ...(flags.provider ? { provider: flags.provider } : {}),
          ...(flags.mode ? { mode: flags.mode as ModelInfo["mode"] } : {}),
          ...(capability ? { capability } : {}),
          includeDeprecated: flags.all ?? Boolean(needle),
        })
        .filter(
          (model) =>
            needle === undefined ||
            model.id.toLowerCase().includes(needle) ||
            model.aliases.some((alias) => alias.toLowerCase().includes(needle)),
        );
      if (models.length === 0) {
        if (name !== undefined) catalog.get(name);
        throw new TokenwiseError("not_found", "no model matches these filters (try --all)");
      }
      if (flags.json) {
        output.write(toJson(models));
        return;
      }
      output.write(
        formatTable(models, [
          { header: "model", value: (model) => model.id },
          { header: "provider", value: (model) => model.provider },
          {
            header: "context",
            value: (model) => formatInteger(model.contextWindow),
            align: "right",
          },
          {
            header: "max out",
            value: (model) => formatInteger(model.maxOutputTokens),
            align: "right",
          },
          { header: "input/1M", value: (model) => price(model.prices.input), align: "right" },
          { header: "output/1M", value: (model) => price(model.prices.output), align: "right" },
          {
            header: "cached/1M",
            value: (model) => price(model.prices.cachedInput),
            align: "right",
          },
          { header: "tokenizer", value: (model) => model.tokenizer },
          { header: "deprecated", value: (model) => model.deprecationDate ?? "" },
        ]),
      );
      output.write(
        `\n${models.length} models; prices in USD per million tokens, checked ${CATALOG_CHECKED}.`,
      );
    });
}
