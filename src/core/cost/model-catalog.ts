import type { ModelInfo } from "../catalog/index.js";
import { defaultCatalog } from "../catalog/index.js";
import { describeValue, invalidInput, TokenwiseError } from "../errors/index.js";

/**
 * The part of a catalog the cost functions read. `defaultCatalog`, any `Catalog`, or a small
 * object of your own (in tests) fits.
 */
export interface ModelCatalog {
  /** The model for a name or alias; throws `unknown_model` (with suggestions) otherwise. */
  get(nameOrAlias: string): ModelInfo;
  list(filter?: { includeDeprecated?: boolean }): readonly ModelInfo[];
}

/** The catalog used when an options object names none. */
export function catalogOrDefault(catalog: ModelCatalog | undefined): ModelCatalog {
  return catalog ?? defaultCatalog;
}

/**
 * The model a cost function works on: a `ModelInfo` is used as given, a name is looked up.
 *
 * @example
 * ```ts
 * resolveModel("gpt-4o-2024-08-06").id; // the catalog's canonical id
 * ```
 */
export function resolveModel(model: string | ModelInfo, catalog?: ModelCatalog): ModelInfo {
  if (typeof model === "string") return catalogOrDefault(catalog).get(model);
  if (
    typeof model !== "object" ||
    model === null ||
    typeof model.id !== "string" ||
    typeof model.prices !== "object"
  ) {
    const got =
      typeof model === "object" && model !== null
        ? "an object without id or prices"
        : describeValue(model);
    throw invalidInput(
      "model",
      `must be a model name such as "gpt-4o" or a ModelInfo from the catalog, got ${got}`,
    );
  }
  return model;
}

/**
 * A model is deprecated once its provider has announced a retirement date, whether or not the
 * date has passed: it answers the same on every run, with no clock involved.
 */
export function isDeprecated(model: ModelInfo): boolean {
  return model.deprecationDate !== undefined;
}

/** Chat models of a catalog, deprecated ones included (callers decide what to do with them). */
export function chatModels(catalog: ModelCatalog): ModelInfo[] {
  return catalog.list({ includeDeprecated: true }).filter((model) => model.mode === "chat");
}

/**
 * Looks up a list of chat model names, reporting every unknown name at once (each with the
 * catalog's suggestions). Two names for one model give it once.
 */
export function resolveChatModels(names: unknown, catalog: ModelCatalog): ModelInfo[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw invalidInput("models", "must be a non-empty array of model names, or left out for all");
  }
  const models = new Map<string, ModelInfo>();
  const unknown: TokenwiseError[] = [];
  names.forEach((name: unknown, index) => {
    if (typeof name !== "string") {
      throw invalidInput(`models[${index}]`, `must be a model name, got ${describeValue(name)}`);
    }
    try {
      const model = catalog.get(name);
      if (model.mode !== "chat") {
        throw invalidInput(
          `models[${index}]`,
          `names ${model.id}, an ${model.mode} model, not a chat model`,
        );
      }
      models.set(model.id, model);
    } catch (error) {
      if (!TokenwiseError.hasCode(error, "unknown_model")) throw error;
      unknown.push(error);
    }
  });
  const [first, ...more] = unknown;
  if (first === undefined) return [...models.values()];
  if (more.length === 0) throw first;
  throw new TokenwiseError(
    "unknown_model",
    `${unknown.length} unknown models: ${unknown.map((error) => error.message).join(" ")}`,
    { details: { unknown: unknown.map((error) => error.details) } },
  );
}
