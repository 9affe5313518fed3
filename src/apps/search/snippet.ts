/**
 * A short excerpt of a chunk for a results list: the line that holds most of the query's
 * words (the first non-blank line when none does), continued up to a length limit.
 */

import { WordPattern } from "./word-pattern.js";

/** Words (letters and digits); the ASCII version for ASCII text, see word-pattern.ts. */
export const WORD = new WordPattern("[\\p{L}\\p{N}]+", "[A-Za-z0-9]+", "g");

/** Words too common to say which line a query is about. */
const STOPWORDS = new Set(
  (
    "a an and are as at be but by can do does for from had has have how i if in into is it its " +
    "me my no not of on or our so than that the their them then there these they this to was " +
    "we were what when where which who why will with would you your"
  ).split(" "),
);

export interface Snippet {
  text: string;
  /** Index of the snippet's first line within the chunk (0 = the chunk's first line). */
  lineOffset: number;
}

/**
 * @example
 * ```ts
 * makeSnippet("intro\n\nThe cache stores vectors.\nMore.", "vector cache", 40);
 * // { text: "The cache stores vectors. More.", lineOffset: 2 }
 * ```
 */
export function makeSnippet(text: string, query: string, maxChars = 200): Snippet {
  const lines = text.split("\n");
  const stems = [
    ...new Set(
      words(query.toLowerCase())
        .filter((word) => !STOPWORDS.has(word))
        .map(stem),
    ),
  ].filter((word) => word.length >= 2);
  let best = lines.findIndex((line) => line.trim() !== "");
  if (best === -1) best = 0;
  let bestMatches = 0;
  lines.forEach((line, index) => {
    if (stems.length === 0) return;
    const lineWords = new Set(words(line.toLowerCase()).map(stem));
    const matches = stems.filter((term) => lineWords.has(term)).length;
    if (matches > bestMatches) {
      best = index;
      bestMatches = matches;
    }
  });
  let snippet = "";
  for (const line of lines.slice(best)) {
    const part = line.replace(/\s+/g, " ").trim();
    if (part === "") continue;
    snippet = snippet === "" ? part : `${snippet} ${part}`;
    if (snippet.length >= maxChars) break;
  }
  if (snippet.length > maxChars) {
    const cut = snippet.lastIndexOf(" ", maxChars - 1);
    snippet = `${snippet.slice(0, cut > maxChars / 2 ? cut : maxChars - 1)}…`;
  }
  return { text: snippet, lineOffset: best };
}

function words(text: string): string[] {
  return text.match(WORD.for(text)) ?? [];
}

/** A crude stem so "vectors" finds "vector" and "caching" finds "cache". */
function stem(word: string): string {
  return word.length > 4 ? word.replace(/(?:ing|ed|es|s|e)$/, "") : word;
}
