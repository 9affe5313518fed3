/**
 * Turns whatever a user types into a safe FTS5 MATCH expression. FTS5 has its own query
 * language (AND, OR, NOT, NEAR, quotes, `*`, `-`, `:`, parentheses); passing user text through
 * makes `state-of-the-art` or `don't` a syntax error. Here every word becomes a quoted string,
 * so nothing the user types is ever read as an operator.
 */

import { isAscii, WordPattern } from "./word-pattern.js";

/** Characters FTS5's unicode61 tokenizer keeps inside a token (letters, marks, digits, private use). */
export const TOKEN = new WordPattern("[\\p{L}\\p{M}\\p{N}\\p{Co}]+", "[A-Za-z0-9]+", "g");
/** A run of tokens joined by connectors (`state-of-the-art`, `snake_case`, `node.js`), maybe `*`-ended. */
export const TERM = new WordPattern(
  "[\\p{L}\\p{M}\\p{N}\\p{Co}]+(?:[-_.'’/:@+][\\p{L}\\p{M}\\p{N}\\p{Co}]+)*(\\*)?",
  "[A-Za-z0-9]+(?:[-_.'/:@+][A-Za-z0-9]+)*(\\*)?",
  "g",
);
const PHRASE = /"([^"]*)"/g;
const MAX_TERMS = 64;

/**
 * Words that match nearly every chunk: Lucene's English stop words plus the question words
 * people type ("how do I ..."). BM25 gives them almost no weight, yet FTS5 must score every
 * chunk that holds one, which made a typical question 5-10x slower on a 6,000-chunk index.
 */
const STOP_WORDS = new Set(
  (
    "a about am an and are as at be been being but by can could did do does for from had has " +
    "have how i if in into is it its me my no not of on or our should so such that the their " +
    "then there these they this to was we were what when where which who whom why will with " +
    "would you your"
  ).split(" "),
);

/**
 * An FTS5 query matching chunks that contain any of the query's words, for BM25 to rank
 * (chunks with more and rarer words score higher). `"quoted text"` stays a phrase, `word*`
 * matches prefixes, and connected words (`state-of-the-art`) must appear side by side.
 * Operators the user types (AND, OR, NOT, NEAR) are searched as plain words. Stop words
 * ("the", "how", "do") are left out unless the query has nothing else. Returns undefined when
 * the query has no searchable word at all (only punctuation).
 *
 * @example
 * ```ts
 * toFtsQuery('state-of-the-art "exact phrase" rank* AND (x)');
 * // '"exact phrase" OR "state of the art" OR "rank"* OR "x"'
 * toFtsQuery("how do I retry"); // '"retry"'
 * toFtsQuery("to be or not to be"); // '"to" OR "be" OR "or" OR "not"'
 * ```
 */
export function toFtsQuery(query: string): string | undefined {
  const phrases = toFtsPhrases(query);
  return phrases.length === 0 ? undefined : phrases.map(renderPhrase).join(" OR ");
}

/** One OR-ed part of {@link toFtsQuery}'s expression. */
export interface FtsPhrase {
  /** Its words, space-separated (one word, or a phrase whose words must appear in order). */
  text: string;
  /** Matches words starting with the (last) word. */
  prefix: boolean;
}

/**
 * The parts {@link toFtsQuery} ORs together, in its order (BM25 sums over them in this order).
 *
 * @example
 * ```ts
 * toFtsPhrases("snake_case rank*");
 * // [{ text: "snake case", prefix: false }, { text: "rank", prefix: true }]
 * ```
 */
export function toFtsPhrases(query: string): FtsPhrase[] {
  const ascii = isAscii(query);
  const token = ascii ? TOKEN.ascii : TOKEN.unicode;
  const term = ascii ? TERM.ascii : TERM.unicode;
  const phrases = new Map<string, FtsPhrase>();
  const addTerm = (text: string, prefix: boolean) => {
    const tokens = text.match(token);
    if (tokens === null || phrases.size >= MAX_TERMS) return;
    const phrase = { text: tokens.join(" "), prefix };
    phrases.set(renderPhrase(phrase), phrase);
  };
  const outsidePhrases = query.replace(PHRASE, (_match, phrase: string) => {
    addTerm(phrase, false);
    return " ";
  });
  const words = [...outsidePhrases.matchAll(term)];
  const telling = words.filter(
    (match) => match[1] === "*" || !STOP_WORDS.has(match[0].toLowerCase()),
  );
  const kept = telling.length > 0 || phrases.size > 0 ? telling : words;
  for (const match of kept) addTerm(match[0], match[1] === "*");
  return [...phrases.values()];
}

function renderPhrase(phrase: FtsPhrase): string {
  return `"${phrase.text}"${phrase.prefix ? "*" : ""}`;
}
