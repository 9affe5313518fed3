import { createRequire } from "node:module";
import type cl100kBase from "./data/cl100k-base.json";
import type o200kBase from "./data/o200k-base.json";
import type unicodeClasses from "./data/unicode-classes.json";
import type { PackedRanks } from "./vocabulary.js";

/**
 * The generated data files (scripts/build-bpe-data.mjs), read on first use with a synchronous
 * require so creating a tokenizer stays synchronous, importing tokenwise parses none of them,
 * and only the encodings actually used are ever read. The type-only imports make `tsc` copy the
 * JSON files next to the compiled code.
 */
const requireData = createRequire(import.meta.url);

/** The packed mergeable ranks of an encoding (see vocabulary.ts). */
export function readPackedRanks(encoding: "o200k_base" | "cl100k_base"): PackedRanks {
  return encoding === "o200k_base"
    ? (requireData("./data/o200k-base.json") as typeof o200kBase)
    : (requireData("./data/cl100k-base.json") as typeof cl100kBase);
}

/** The packed character-class runs (see character-classes.ts). */
export function readUnicodeClassRuns(): string {
  return (requireData("./data/unicode-classes.json") as typeof unicodeClasses).runs;
}
