/**
 * The usual shapes of a `tokenwise search` command line, parsed without commander: loading
 * commander (and the child_process, dgram and net modules it requires) costs a fresh search
 * about 40M instructions, a sixth of the whole search. Anything else - help, an unknown or
 * repeated-short or `--`-separated option, a value the flag parsers would refuse, reword or
 * normalise - returns undefined and commander parses the line as before, so help and every
 * usage message stay commander's. Gives what commander gives (search-arguments.test.ts).
 */
// Internal: the search index alone; apps/search's index also loads indexing and providers.
import { DEFAULT_RRF_K } from "../../apps/search/reciprocal-rank-fusion.js";
import type { SearchFlags } from "./commands/search-action.js";

export interface ParsedSearchArguments {
  /** The query words (commander's `[query...]`). */
  words: string[];
  flags: SearchFlags;
}

type ValueFlag =
  | "mode"
  | "topK"
  | "dataDir"
  | "model"
  | "fusion"
  | "semanticWeight"
  | "lateInteractionWeight"
  | "rrfK";
type BooleanFlag = "json" | "full" | "serve";

const VALUE_OPTIONS = new Map<string, ValueFlag>([
  ["--mode", "mode"],
  ["--top-k", "topK"],
  ["-k", "topK"],
  ["--data-dir", "dataDir"],
  ["--model", "model"],
  ["-m", "model"],
  ["--fusion", "fusion"],
  ["--semantic-weight", "semanticWeight"],
  ["--late-interaction-weight", "lateInteractionWeight"],
  ["--rrf-k", "rrfK"],
]);

const BOOLEAN_OPTIONS = new Map<string, BooleanFlag>([
  ["--json", "json"],
  ["--full", "full"],
  ["--serve", "serve"],
]);

const DIGITS = /^\d+$/;

/**
 * Parses the arguments after `search`; undefined when commander should.
 *
 * @example
 * ```ts
 * parseSearchArguments(["retry", "limits", "-k", "3"]);
 * // { words: ["retry", "limits"], flags: { mode: "hybrid", topK: 3, fusion: "score", rrfK: 60 } }
 * parseSearchArguments(["--help"]); // undefined
 * ```
 */
export function parseSearchArguments(args: readonly string[]): ParsedSearchArguments | undefined {
  const flags: SearchFlags = { mode: "hybrid", topK: 10, fusion: "score", rrfK: DEFAULT_RRF_K };
  const words: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (!arg.startsWith("-")) {
      words.push(arg);
      continue;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const booleanFlag = BOOLEAN_OPTIONS.get(name);
    if (booleanFlag !== undefined && equals === -1) {
      flags[booleanFlag] = true;
      continue;
    }
    const valueFlag = VALUE_OPTIONS.get(name);
    if (valueFlag === undefined) return undefined;
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      value = args[index + 1];
      index++;
    }
    if (value === undefined || value.startsWith("-")) return undefined;
    if (!setValue(flags, valueFlag, value)) return undefined;
  }
  return { words, flags };
}

/** Sets the flag as commander's parser would; false for a value it would refuse or change. */
function setValue(flags: SearchFlags, flag: ValueFlag, value: string): boolean {
  switch (flag) {
    case "topK":
    case "rrfK": {
      // positiveInteger / nonNegativeInteger, for plain digits only (they also allow _ and ,).
      const parsed = DIGITS.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(parsed) || (flag === "topK" && parsed === 0)) return false;
      flags[flag] = parsed;
      return true;
    }
    case "semanticWeight":
    case "lateInteractionWeight": {
      // fraction: a number from 0 to 1.
      const parsed = Number(value);
      if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
        return false;
      }
      flags[flag] = parsed;
      return true;
    }
    default:
      flags[flag] = value;
      return true;
  }
}
