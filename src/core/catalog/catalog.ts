/**
 * A catalog of models: lookups by id or alias (case-insensitive, provider prefixes allowed),
 * filtered listings, and extension with the user's own models and overrides. Immutable:
 * `extend` returns a new catalog.
 */
import { invalidInput } from "../errors/index.js";
import { normalizeModelName, stripProviderPrefix } from "./model-name.js";
import {
  type CatalogEntry,
  completeNewModel,
  isCompleteModel,
  mergeModel,
} from "./model-override.js";
import type { ModelCapabilities, ModelInfo, Provider } from "./types.js";
import { unknownModelError } from "./unknown-model-error.js";
import {
  type CatalogIssue,
  catalogIssuesError,
  validateModelEntry,
} from "./validate-model-entry.js";

export interface CatalogListFilter {
  provider?: Provider;
  mode?: ModelInfo["mode"];
  /** Only models that have this capability (or all of these). */
  capability?: keyof ModelCapabilities | ReadonlyArray<keyof ModelCapabilities>;
  /**
   * Include models whose provider has announced a retirement date (default false). A model
   * counts as deprecated from the announcement on, whether or not the date has passed, so
   * listings do not depend on the clock.
   */
  includeDeprecated?: boolean;
}

export class Catalog {
  readonly #models: readonly ModelInfo[];
  readonly #byName: ReadonlyMap<string, ModelInfo>;

  /** Prefer {@link createCatalog}. Throws `invalid_input` when two models share an id. */
  constructor(models: readonly ModelInfo[]) {
    const frozen = models.map((model) => deepFreeze(structuredClone(model)));
    const byName = new Map<string, ModelInfo>();
    for (const model of frozen) {
      for (const alias of model.aliases) byName.set(normalizeModelName(alias), model);
    }
    const ids = new Set<string>();
    for (const model of frozen) {
      const key = normalizeModelName(model.id);
      if (ids.has(key)) {
        throw invalidInput(
          "models",
          `contain two models with the id "${model.id}"; ids must be unique`,
        );
      }
      ids.add(key);
      // Ids win over aliases, so no alias can hide a model.
      byName.set(key, model);
    }
    this.#models = Object.freeze(frozen);
    this.#byName = byName;
  }

  /** Number of models. */
  get size(): number {
    return this.#models.length;
  }

  /**
   * The model for a name: its id or an alias, in any case, with surrounding whitespace and an
   * optional provider prefix ("openai/", "anthropic/", "gemini/", "google/", "models/").
   * Returns undefined when there is none.
   *
   * @example
   * ```ts
   * defaultCatalog.find("openai/GPT-4o")?.id; // "gpt-4o"
   * ```
   */
  find(name: string): ModelInfo | undefined {
    return lookUp(this.#byName, name, (model) => model);
  }

  /**
   * Like {@link Catalog.find}, but throws `unknown_model` naming the closest known models
   * (also in `details.suggestions`).
   *
   * @example
   * ```ts
   * defaultCatalog.get("claude-3-5-sonnet").id; // "claude-3-5-sonnet-20241022"
   * defaultCatalog.get("gpt-4o-mnii"); // throws: Unknown model "gpt-4o-mnii". Did you mean gpt-4o-mini, ...?
   * ```
   */
  get(nameOrAlias: string): ModelInfo {
    if (typeof nameOrAlias !== "string" || nameOrAlias.trim() === "") {
      throw invalidInput(
        "model",
        `must be a model name such as "gpt-4o", got ${JSON.stringify(nameOrAlias) ?? String(nameOrAlias)}`,
      );
    }
    const model = this.find(nameOrAlias);
    if (model === undefined) throw unknownModelError({ name: nameOrAlias, models: this.#models });
    return model;
  }

  /** True when {@link Catalog.find} would return a model. */
  has(nameOrAlias: string): boolean {
    return this.find(nameOrAlias) !== undefined;
  }

  /**
   * Models in catalog order, filtered. Deprecated models are left out unless asked for.
   *
   * @example
   * ```ts
   * defaultCatalog.list({ provider: "anthropic", capability: ["vision", "tools"] });
   * ```
   */
  list(filter: CatalogListFilter = {}): ModelInfo[] {
    const capabilities =
      filter.capability === undefined
        ? []
        : typeof filter.capability === "string"
          ? [filter.capability]
          : filter.capability;
    return this.#models.filter(
      (model) =>
        (filter.provider === undefined || model.provider === filter.provider) &&
        (filter.mode === undefined || model.mode === filter.mode) &&
        capabilities.every((capability) => model.capabilities[capability]) &&
        (filter.includeDeprecated === true || model.deprecationDate === undefined),
    );
  }

  /**
   * A new catalog with `entries` applied in order. An entry whose id resolves to a model here
   * (id or alias, any case, provider prefix allowed) overrides that model field by field (`prices` and `capabilities` key by key;
   * aliases are added); any other entry is a new model and needs a model's fields. Entries
   * are validated first and every problem is reported at once.
   *
   * @example
   * ```ts
   * const negotiated = defaultCatalog.extend([{ id: "gpt-4o", prices: { input: "2.00" } }]);
   * negotiated.get("gpt-4o").prices.output; // "10", unchanged
   * ```
   */
  extend(entries: readonly CatalogEntry[]): Catalog {
    if (!Array.isArray(entries)) {
      throw invalidInput(
        "entries",
        "must be a list of models or overrides, such as the result of parseCatalogFile",
      );
    }
    const issues: CatalogIssue[] = [];
    entries.forEach((entry, index) => {
      validateModelEntry(entry, `entries[${index}]`, issues);
    });
    if (issues.length > 0) throw catalogIssuesError("Invalid catalog entries", issues);

    const models = [...this.#models];
    const indexByName = new Map<string, number>();
    const ids = new Set<string>();
    const remember = (model: ModelInfo, index: number) => {
      // As in the constructor, an alias never takes a name that is another model's id.
      for (const alias of model.aliases) {
        const key = normalizeModelName(alias);
        if (!ids.has(key)) indexByName.set(key, index);
      }
      const id = normalizeModelName(model.id);
      ids.add(id);
      indexByName.set(id, index);
    };
    models.forEach(remember);
    for (const entry of entries) {
      const index = lookUp(indexByName, entry.id, (position) => models[position]);
      const existing = index === undefined ? undefined : models[index];
      if (index !== undefined && existing !== undefined) {
        models[index] = mergeModel(existing, entry);
        remember(models[index] as ModelInfo, index);
      } else {
        const model = isCompleteModel(entry) ? entry : completeNewModel(entry);
        models.push(model);
        remember(model, models.length - 1);
      }
    }
    return new Catalog(models);
  }
}

/**
 * A catalog over `models`.
 *
 * @example
 * ```ts
 * const catalog = createCatalog(parseLiteLLMPrices(json, { checked: "2026-07-24" }));
 * catalog.get("gemini/gemini-2.0-flash").prices.input; // "0.1"
 * ```
 */
export function createCatalog(models: readonly ModelInfo[]): Catalog {
  return new Catalog(models);
}

/**
 * Resolves a name in an index keyed by normalized id and alias: directly, or without a known
 * provider prefix when the model found belongs to that provider.
 */
function lookUp<T>(
  index: ReadonlyMap<string, T>,
  name: string,
  modelOf: (value: T) => ModelInfo | undefined,
): T | undefined {
  if (typeof name !== "string") return undefined;
  const key = normalizeModelName(name);
  if (key === "") return undefined;
  const direct = index.get(key);
  if (direct !== undefined) return direct;
  const stripped = stripProviderPrefix(key);
  if (stripped === undefined) return undefined;
  const value = index.get(stripped.name);
  return value !== undefined && modelOf(value)?.provider === stripped.provider ? value : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
