#!/usr/bin/env node
/**
 * Builds src/core/catalog/data/models.generated.ts from two copies of LiteLLM's
 * model_prices_and_context_window.json (a current one, and an older one that still lists
 * models removed since), pydantic/genai-prices' data.json (dated price periods, and the prices
 * of models LiteLLM lists only under third-party hosts) and the curated table in
 * scripts/catalog-curation.mjs.
 *
 *   node scripts/build-catalog.mjs <litellm-json-current> <litellm-json-older> <genai-prices-json>
 *
 * Batch: OpenAI, Anthropic and Google price their Batch APIs at 50% of the standard prices, so
 * a model of theirs that LiteLLM lists without batch prices gets half its prices (noted), unless
 * the curation says the model is not offered in batch (realtime and live models).
 *
 * Prices, limits and capabilities come from LiteLLM through the catalog's own parser
 * (src/core/catalog/parse-litellm-prices.ts, transpiled on the fly: no build step needed), so the
 * conversion code exists once. The result is validated with the catalog file validator and
 * checked for consistency before anything is written.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { CURATED_MODELS, IMAGE_TOKENS_SOURCE, PROVIDER_TOKENIZERS } from "./catalog-curation.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sourceRoot = join(root, "src");
const outputFile = join(sourceRoot, "catalog", "data", "models.generated.ts");
const curationFile = join(sourceRoot, "catalog", "data", "curation.generated.ts");
/** Facts the curation can change, compared with LiteLLM's for the import guard. */
const CURATED_PATHS = [
  "contextWindow",
  "maxInputTokens",
  "maxOutputTokens",
  "tiers",
  ...["input", "output", "cachedInput", "cacheWrite", "cacheWrite1h", "reasoning"].map(
    (f) => `prices.${f}`,
  ),
  ...["batchInput", "batchOutput", "audioInput", "audioOutput", "imageOutput"].map(
    (f) => `prices.${f}`,
  ),
  ...["vision", "tools", "reasoning", "promptCaching", "structuredOutput", "batch"].map(
    (f) => `capabilities.${f}`,
  ),
];
/** Per model: the LiteLLM entry it was built from, and each fact tokenwise set differently. */
const curatedFacts = {};
/** Field order of the generated entries, as in ModelInfo. */
const FIELD_ORDER = [
  "id",
  "provider",
  "displayName",
  "mode",
  "tokenizer",
  "contextWindow",
  "maxInputTokens",
  "maxOutputTokens",
  "prices",
  "tiers",
  "priceHistory",
  "capabilities",
  "aliases",
  "speed",
  "costClass",
  "imageTokens",
  "embeddingDimensions",
  "deprecationDate",
  "source",
  "checked",
  "notes",
];

const [currentPath, olderPath, genaiPath] = process.argv.slice(2);
if (currentPath === undefined || olderPath === undefined || genaiPath === undefined) {
  console.error(
    "usage: node scripts/build-catalog.mjs <litellm-json-current> <litellm-json-older> <genai-prices-json>",
  );
  process.exit(2);
}
/** Providers whose Batch API halves every price. */
const BATCH_PROVIDERS = new Set(["openai", "anthropic", "google"]);
const BATCH_SOURCE = {
  openai: "https://openai.com/api/pricing (Batch API: 50% off)",
  anthropic: "https://docs.anthropic.com/en/docs/build-with-claude/batch-processing (50% off)",
  google: "https://ai.google.dev/gemini-api/docs/batch-mode (50% of the standard price)",
};

const [litellm, catalogFile, override] = await importTypeScript([
  "core/catalog/parse-litellm-prices.ts",
  "core/catalog/parse-catalog-file.ts",
  "core/catalog/model-override.ts",
]);

const current = readLiteLLMFile(currentPath);
const older = readLiteLLMFile(olderPath);
const genai = readGenaiPrices(genaiPath);
const models = CURATED_MODELS.map(buildModel);
checkConsistency(models);
const entries = catalogFile.parseCatalogFile({ models }, { source: "generated catalog" });
const incomplete = entries.filter((entry) => !override.isCompleteModel(entry));
if (incomplete.length > 0) {
  fail(`incomplete models: ${incomplete.map((entry) => entry.id).join(", ")}`);
}
writeFileSync(outputFile, render(models));
writeFileSync(curationFile, renderCuration());
console.log(
  `wrote ${relative(root, outputFile)}: ${models.length} models ` +
    `(${models.filter((model) => model.checked === current.checked).length} checked ${current.checked}, ` +
    `${models.filter((model) => model.checked === older.checked).length} checked ${older.checked})`,
);

/** Parses one LiteLLM file with the catalog's parser, keyed by LiteLLM key. */
function readLiteLLMFile(path) {
  const json = JSON.parse(readFileSync(path, "utf8"));
  const lastUpdated = String(json.last_updated ?? "").slice(0, 10);
  const result = litellm.readLiteLLMPrices(json, {
    source: `LiteLLM model_prices_and_context_window.json (MIT), mirrored ${lastUpdated}`,
  });
  const skipped = Object.entries(result.skippedByReason)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(", ");
  console.log(`${basename(path)}: ${result.models.length} models, skipped ${skipped}`);
  return {
    path,
    json,
    checked: result.checked,
    byKey: new Map(result.models.map((model) => [model.id, model])),
  };
}

/** genai-prices' models of the providers the catalog covers, by "provider/id". */
function readGenaiPrices(path) {
  const providers = JSON.parse(readFileSync(path, "utf8"));
  const byKey = new Map();
  for (const provider of providers) {
    for (const model of provider.models ?? []) byKey.set(`${provider.id}/${model.id}`, model);
  }
  return {
    path,
    byKey,
    source: `pydantic/genai-prices data.json (MIT), ${basename(path).match(/\d{4}-\d{2}-\d{2}/)?.[0]}`,
  };
}

/** A genai-prices price set (USD per million tokens) as catalog prices. */
function genaiPrices(set, id) {
  const number = (value) => {
    if (typeof value === "number") return value;
    if (value !== null && typeof value === "object" && typeof value.base === "number")
      return value.base;
    return undefined;
  };
  const decimal = (value) =>
    value === undefined ? undefined : String(Number(value.toPrecision(12)));
  const input = number(set.input_mtok);
  const output = number(set.output_mtok);
  if (input === undefined || output === undefined)
    fail(`${id}: genai-prices set without input/output`);
  const prices = { input: decimal(input), output: decimal(output) };
  const cached = number(set.cache_read_mtok);
  if (cached !== undefined) prices.cachedInput = decimal(cached);
  const write = number(set.cache_write_mtok);
  if (write !== undefined) prices.cacheWrite = decimal(write);
  const tiers = (set.input_mtok?.tiers ?? []).map((tier, index) => ({
    aboveInputTokens: tier.start,
    input: decimal(tier.price),
    output: decimal(set.output_mtok?.tiers?.[index]?.price ?? output),
  }));
  return { prices, tiers };
}

/**
 * The dated price periods genai-prices gives a model (a list of price sets, later ones with
 * `constraint.start_date`): the newest becomes the model's prices (with `from`), the others
 * its `priceHistory`. Prices genai-prices does not carry (1-hour cache writes, batch, audio)
 * move with the input or output price, as the providers price them.
 */
function applyPricePeriods(model, curated) {
  const genaiModel = genai.byKey.get(
    curated.genai ?? `${genaiProvider(model.provider)}/${model.id}`,
  );
  if (!Array.isArray(genaiModel?.prices)) return undefined;
  const periods = genaiModel.prices.map((set) => {
    const { prices, tiers } = genaiPrices(set.prices, model.id);
    const from = set.constraint?.start_date;
    const scaled = scaleOtherPrices(model.prices, prices);
    return { prices: from === undefined ? scaled : { ...scaled, from }, tiers };
  });
  const newest = periods.at(-1);
  model.prices = newest.prices;
  if (newest.tiers.length > 0) model.tiers = newest.tiers;
  else delete model.tiers;
  model.priceHistory = periods
    .slice(0, -1)
    .map((period) => (period.tiers.length > 0 ? period : { prices: period.prices }));
  const dates = periods.map((period) => period.prices.from ?? "the start").join(", ");
  return `Prices by period from genai-prices (periods from ${dates}); the newest applies to calls from ${newest.prices.from}.`;
}

function scaleOtherPrices(litellmPrices, prices) {
  const factor = (a, b) => Number(a) / Number(b);
  const byInput = factor(prices.input, litellmPrices.input);
  const byOutput = factor(prices.output, litellmPrices.output);
  const scaled = { ...prices };
  const move = (field, by) => {
    if (litellmPrices[field] !== undefined && scaled[field] === undefined) {
      scaled[field] = String(Number((Number(litellmPrices[field]) * by).toPrecision(12)));
    }
  };
  move("cacheWrite1h", byInput);
  move("batchInput", byInput);
  move("batchOutput", byOutput);
  move("audioInput", byInput);
  move("audioOutput", byOutput);
  move("imageOutput", byOutput);
  return scaled;
}

function genaiProvider(provider) {
  return provider === "google" ? "google" : provider;
}

/** A model LiteLLM lists only under third-party hosts: facts from the curation and genai-prices. */
function genaiOnlyBase(curated) {
  const genaiModel = genai.byKey.get(curated.genai);
  if (genaiModel === undefined) fail(`${curated.id}: genai-prices has no "${curated.genai}"`);
  const { prices } = genaiPrices(genaiModel.prices, curated.id);
  return {
    ...curated.facts,
    id: curated.id,
    prices,
    source: `${genai.source}, model "${curated.genai}"`,
    checked: genaiCheckedDate(),
  };
}

function genaiCheckedDate() {
  return (
    basename(genai.path).match(/\d{4}-\d{2}-\d{2}/)?.[0] ??
    fail("genai-prices file name has no date")
  );
}

/** Half prices for a batch-capable provider's model that LiteLLM lists without them. */
function addBatchPrices(model, curated) {
  if (!BATCH_PROVIDERS.has(model.provider) || curated.noBatch) return undefined;
  if (model.prices.batchInput !== undefined && model.prices.batchOutput !== undefined)
    return undefined;
  const half = (value) => String(Number((Number(value) / 2).toPrecision(12)));
  model.prices = {
    ...model.prices,
    batchInput: half(model.prices.input),
    batchOutput: half(model.prices.output),
  };
  model.capabilities = { ...model.capabilities, batch: true };
  return {
    note: "Batch prices are 50% of the standard prices, the provider's Batch API discount (LiteLLM lists none).",
    source: BATCH_SOURCE[model.provider],
  };
}

function buildModel(curated) {
  if (curated.genai !== undefined && curated.facts !== undefined) return buildGenaiOnly(curated);
  const key = curated.from ?? curated.id;
  const file = current.byKey.has(key) ? current : older.byKey.has(key) ? older : undefined;
  const base = file?.byKey.get(key);
  if (base === undefined) fail(`${curated.id}: LiteLLM key "${key}" is in neither file`);
  checkAliases(curated, base, file);

  const provider = curated.provider ?? base.provider;
  const notes = [];
  const sources = [base.source];
  let model = {
    ...base,
    id: curated.id,
    provider,
    displayName: curated.displayName,
    tokenizer: PROVIDER_TOKENIZERS[provider] ?? base.tokenizer,
    aliases: curated.aliases ?? [],
  };
  if (curated.deprecationFrom !== undefined) {
    const snapshot = file.byKey.get(curated.deprecationFrom);
    if (snapshot?.deprecationDate === undefined) {
      fail(`${curated.id}: "${curated.deprecationFrom}" has no deprecation_date`);
    }
    model.deprecationDate = snapshot.deprecationDate;
    notes.push(`Retirement date from LiteLLM's entry for the snapshot ${curated.deprecationFrom}.`);
  }
  if (curated.set !== undefined) {
    const { note, ...facts } = curated.set;
    model = { ...model, ...facts };
    notes.push(note);
  }
  for (const correction of curated.corrections ?? []) {
    const { note, source, ...fix } = correction;
    model = override.mergeModel(model, { id: model.id, ...fix });
    notes.push(`Corrected: ${note}`);
    sources.push(source);
  }
  if (curated.imageTokens !== undefined) {
    model.imageTokens = curated.imageTokens;
    sources.push(IMAGE_TOKENS_SOURCE);
  }
  // Batch first, so dated periods move the batch prices with the others.
  const batch = addBatchPrices(model, curated);
  if (batch !== undefined) {
    notes.push(batch.note);
    sources.push(batch.source);
  }
  const periodNote = applyPricePeriods(model, curated);
  if (periodNote !== undefined) {
    notes.push(periodNote);
    sources.push(genai.source);
  }
  if (model.priceHistory?.length === 0) delete model.priceHistory;
  notes.push(...Object.values(curated.aliasPriceExceptions ?? {}));
  if (curated.notes !== undefined) notes.push(curated.notes);
  if (base.notes !== undefined) notes.push(base.notes);
  if (curated.speed !== undefined) model.speed = curated.speed;
  if (curated.costClass !== undefined) model.costClass = curated.costClass;

  recordCuratedFacts(model, base, key, notes);
  const { notes: _, ...rest } = model;
  return orderFields({
    ...rest,
    source: sources.join("; "),
    ...(notes.length > 0 ? { notes: notes.join(" ") } : {}),
  });
}

function valueAt(model, path) {
  return path
    .split(".")
    .reduce((value, key) => (value === undefined ? undefined : value[key]), model);
}

function recordCuratedFacts(model, base, key, notes) {
  const fields = {};
  for (const path of CURATED_PATHS) {
    const litellmValue = valueAt(base, path);
    const ours = valueAt(model, path);
    if (JSON.stringify(litellmValue) !== JSON.stringify(ours)) {
      fields[path] = { litellm: litellmValue ?? null, ours: ours ?? null };
    }
  }
  curatedFacts[model.id] = { entry: key, checked: base.checked, fields, why: notes.join(" ") };
}

function renderCuration() {
  return `// Generated by scripts/build-catalog.mjs with models.generated.ts: do not edit by hand.
// For each built-in model: the LiteLLM entry it was built from, and every fact tokenwise set
// differently from that entry (a documented correction, a dated price, a batch price), with
// both values, so importing a LiteLLM file cannot silently undo a correction.
import type { CuratedFacts } from "../curated-facts.js";

export const CURATED_FACTS: Readonly<Record<string, CuratedFacts>> = ${JSON.stringify(curatedFacts, null, 2)};
`;
}

function buildGenaiOnly(curated) {
  const model = genaiOnlyBase(curated);
  const notes = [curated.notes].filter((note) => note !== undefined);
  const sources = [model.source];
  const batch = addBatchPrices(model, curated);
  if (batch !== undefined) {
    notes.push(batch.note);
    sources.push(batch.source);
  }
  return orderFields({
    ...model,
    displayName: curated.displayName,
    aliases: curated.aliases ?? [],
    source: sources.join("; "),
    ...(notes.length > 0 ? { notes: notes.join(" ") } : {}),
  });
}

/** An alias that LiteLLM prices differently from its target would hide a price difference. */
function checkAliases(curated, base, file) {
  for (const alias of curated.aliases ?? []) {
    const prefix = base.id.startsWith("gemini/") ? "gemini/" : "";
    const twin = file.byKey.get(`${prefix}${alias}`) ?? file.byKey.get(alias);
    if (twin === undefined || curated.aliasPriceExceptions?.[alias] !== undefined) continue;
    const facts = (model) =>
      JSON.stringify([
        model.prices.input,
        model.prices.output,
        model.prices.cachedInput,
        model.prices.cacheWrite,
        model.prices.batchInput,
        model.prices.batchOutput,
        model.tiers,
        model.contextWindow,
        model.maxOutputTokens,
      ]);
    if (facts(twin) !== facts(base)) {
      fail(
        `${curated.id}: alias "${alias}" has other prices or limits in LiteLLM:\n  ${facts(twin)}\n  ${facts(base)}`,
      );
    }
  }
}

function checkConsistency(models) {
  const names = new Map();
  for (const model of models) {
    for (const name of [model.id, ...model.aliases]) {
      const key = name.toLowerCase();
      if (names.has(key)) fail(`name "${name}" is used by ${names.get(key)} and ${model.id}`);
      names.set(key, model.id);
    }
    if (model.mode === "embedding" && model.embeddingDimensions === undefined) {
      fail(`${model.id}: embedding model without output_vector_size`);
    }
    if (model.provider === "anthropic") checkAnthropicCachePrices(model);
  }
}

/**
 * Anthropic prices 1-hour cache writes at 2x the input price (the README's known LiteLLM bugs
 * are exactly this price). 5-minute writes are 1.25x except Claude 3 Haiku ($0.30 on $0.25),
 * so they are not checked.
 */
function checkAnthropicCachePrices(model) {
  const { input, cacheWrite1h } = model.prices;
  if (cacheWrite1h !== undefined && Number(cacheWrite1h) !== Number(input) * 2) {
    fail(`${model.id}: prices.cacheWrite1h is ${cacheWrite1h}, expected 2 x input ${input}`);
  }
}

function orderFields(model) {
  const unknown = Object.keys(model).filter((field) => !FIELD_ORDER.includes(field));
  if (unknown.length > 0) fail(`${model.id}: unexpected fields ${unknown.join(", ")}`);
  return Object.fromEntries(
    FIELD_ORDER.filter((field) => model[field] !== undefined).map((field) => [field, model[field]]),
  );
}

function render(models) {
  const checked = [current.checked, older.checked].sort().at(-1);
  return `// Generated by scripts/build-catalog.mjs: do not edit by hand; change the script or
// scripts/catalog-curation.mjs and run it again:
//   node scripts/build-catalog.mjs ${basename(current.path)} ${basename(olderPath)} ${basename(genai.path)}
// Facts from BerriAI/litellm model_prices_and_context_window.json (MIT licence), as mirrored
// on ${current.checked} (${basename(current.path)}) and ${older.checked} (${basename(older.path)},
// for models removed upstream since), and pydantic/genai-prices data.json (MIT licence,
// ${basename(genai.path)}: dated price periods), with the corrections noted in each entry's notes.
import type { ModelInfo } from "../types.js";

/** The date of the newest data in the catalog. */
export const CATALOG_CHECKED = "${checked}";

export const GENERATED_MODELS: readonly ModelInfo[] = ${JSON.stringify(models, null, 2)};
`;
}

/**
 * Imports TypeScript modules of src/ by transpiling them and their relative imports into a
 * temporary directory (type-only imports are skipped; they vanish when transpiled).
 */
async function importTypeScript(entries) {
  const outDir = mkdtempSync(join(tmpdir(), "tokenwise-build-catalog-"));
  try {
    const pending = entries.map((entry) => join(sourceRoot, entry));
    const done = new Set();
    while (pending.length > 0) {
      const file = pending.pop();
      if (done.has(file)) continue;
      done.add(file);
      const source = readFileSync(file, "utf8");
      const imports = /^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)\.js";/gms;
      for (const match of source.matchAll(imports)) {
        pending.push(resolve(dirname(file), `${match[1]}.ts`));
      }
      const { outputText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      const target = join(outDir, relative(sourceRoot, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
    return await Promise.all(
      entries.map(
        (entry) => import(pathToFileURL(join(outDir, entry.replace(/\.ts$/, ".js"))).href),
      ),
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(`build-catalog: ${message}`);
  process.exit(1);
}
