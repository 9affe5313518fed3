/**
 * The errors a registry throws for a key or team it does not have, or a key it cannot change,
 * with the closest names it does have, like the catalog's unknown-model error.
 */
// Internal: closestNames stays out of the public index of core/catalog.
import { closestNames } from "../../../core/catalog/edit-distance.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import { looksLikeSecret } from "./secret.js";

/**
 * `not_found` for a key id or name, suggesting the nearest live key names.
 *
 * @example
 * ```ts
 * keyNotFoundError("ci-bto", ["ci-bot", "web"]).message;
 * // 'No key "ci-bto". Did you mean ci-bot? (tokenwise keys list shows every key)'
 * ```
 */
export function keyNotFoundError(idOrName: string, names: Iterable<string>): TokenwiseError {
  if (looksLikeSecret(idOrName)) {
    return new TokenwiseError(
      "not_found",
      "No key by that id or name; it looks like a secret: name a key by its id or name (tokenwise keys list shows them)",
      { details: { suggestions: [] } },
    );
  }
  const suggestions = closestNames(idOrName, names, { limit: 3 });
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(", ")}?` : "";
  return new TokenwiseError(
    "not_found",
    `No key "${idOrName}".${hint} (tokenwise keys list shows every key)`,
    { details: { key: idOrName, suggestions } },
  );
}

/**
 * `not_found` for a team, suggesting the nearest team names and how to create it.
 *
 * @example
 * ```ts
 * teamNotFoundError("dta", ["data"]).message;
 * // 'No team "dta". Did you mean data? Create it with: tokenwise teams set dta'
 * ```
 */
export function teamNotFoundError(name: string, names: Iterable<string>): TokenwiseError {
  if (looksLikeSecret(name)) {
    return new TokenwiseError("not_found", "No team by that name; it looks like a secret", {
      details: { suggestions: [] },
    });
  }
  const suggestions = closestNames(name, names, { limit: 3 });
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(", ")}?` : "";
  return new TokenwiseError(
    "not_found",
    `No team "${name}".${hint} Create it with: tokenwise teams set ${name}`,
    { details: { team: name, suggestions } },
  );
}

/**
 * `invalid_input` for changing a key that was revoked.
 *
 * @example
 * ```ts
 * revokedKeyError("ci-bot", "rotate");
 * ```
 */
export function revokedKeyError(name: string, action: string): TokenwiseError {
  return new TokenwiseError(
    "invalid_input",
    `Key "${name}" is revoked, so it cannot ${action}; create a new key instead`,
    { details: { field: "key", key: name } },
  );
}
