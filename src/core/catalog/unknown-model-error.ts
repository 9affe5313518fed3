/**
 * The error for a model name the catalog does not know, with the nearest names it does.
 */
import { TokenwiseError } from "../errors/index.js";
import { closestNames } from "./edit-distance.js";
import { normalizeModelName, stripProviderPrefix } from "./model-name.js";
import type { ModelInfo } from "./types.js";

/**
 * Names people use for a model that was announced but never shipped (the tutorial this
 * project grew from lists "claude-3-5-opus" for creative writing).
 */
const NEVER_RELEASED = /^claude-3[-.]5-opus(?:-|$)/;

export interface UnknownModelErrorOptions {
  /** The name as the caller gave it. */
  name: string;
  /** The models the name was looked up among. */
  models: readonly ModelInfo[];
  /** How many suggestions to make (default 3). */
  limit?: number;
}

/**
 * Builds the `unknown_model` error: its message names the closest known models and
 * `details.suggestions` lists them.
 *
 * @example
 * ```ts
 * unknownModelError({ name: "gpt-4o-mnii", models }).message;
 * // 'Unknown model "gpt-4o-mnii". Did you mean gpt-4o-mini, gpt-4o, gpt-4.1-mini?'
 * ```
 */
export function unknownModelError(options: UnknownModelErrorOptions): TokenwiseError {
  const shown = options.name.trim();
  const key = normalizeModelName(shown);
  const query = stripProviderPrefix(key)?.name ?? key;
  if (NEVER_RELEASED.test(query)) return neverReleasedError(shown, options.models);

  const suggestions = nearestModels(query, options.models, options.limit ?? 3);
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.join(", ")}?`
      : " The catalog has no models; extend it with your own.";
  return new TokenwiseError("unknown_model", `Unknown model "${shown}".${hint}`, {
    details: { model: shown, suggestions },
  });
}

/** The best-matching name of each of the `limit` nearest models (ids and aliases compete). */
function nearestModels(query: string, models: readonly ModelInfo[], limit: number): string[] {
  const ownerOf = new Map<string, ModelInfo>();
  for (const model of models) {
    for (const name of [model.id, ...model.aliases]) {
      const key = normalizeModelName(name);
      if (!ownerOf.has(key)) ownerOf.set(key, model);
    }
  }
  const suggestions: string[] = [];
  const suggested = new Set<ModelInfo>();
  for (const name of closestNames(query, ownerOf.keys(), { limit: ownerOf.size })) {
    const owner = ownerOf.get(name);
    if (owner === undefined || suggested.has(owner)) continue;
    suggested.add(owner);
    suggestions.push(name);
    if (suggestions.length === limit) break;
  }
  return suggestions;
}

function neverReleasedError(shown: string, models: readonly ModelInfo[]): TokenwiseError {
  const ids = new Set(models.map((model) => model.id));
  const newestOpus4 = newestClaudeOpus4(models);
  const suggestions = ["claude-3-opus-20240229", newestOpus4, "claude-3-5-sonnet-20241022"].filter(
    (id): id is string => id !== undefined && ids.has(id),
  );
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(", ")}?` : "";
  return new TokenwiseError(
    "unknown_model",
    `Unknown model "${shown}": Anthropic announced Claude 3.5 Opus but never released it.${hint}`,
    { details: { model: shown, suggestions, neverReleased: true } },
  );
}

/** The Claude Opus 4.x with the highest minor version, preferring models not deprecated. */
function newestClaudeOpus4(models: readonly ModelInfo[]): string | undefined {
  const opus4 = models
    .map((model) => ({ model, match: /^claude-opus-4(?:-(\d{1,2}))?(?:-\d{8})?$/.exec(model.id) }))
    .filter((candidate) => candidate.match !== null)
    .map(({ model, match }) => ({
      model,
      minor: Number(match?.[1] ?? "0"),
      current: model.deprecationDate === undefined,
    }));
  opus4.sort((a, b) => Number(b.current) - Number(a.current) || b.minor - a.minor);
  return opus4[0]?.model.id;
}
