/**
 * Turns whatever a user types into a safe FTS5 MATCH expression. FTS5 has its own query
 * language (AND, OR, NOT, NEAR, quotes, `*`, `-`, `:`, parentheses); passing user text through
 * makes `state-of-the-art` or `don't` a syntax error. Here every word becomes a quoted string,
 * so nothing the user types is ever read as an operator.
 */

/** Characters FTS5's unicode61 tokenizer keeps inside a token (letters, marks, digits, private use). */
const TOKEN = /[\p{L}\p{M}\p{N}\p{Co}]+/gu;
/** A run of tokens joined by connectors (`state-of-the-art`, `snake_case`, `node.js`), maybe `*`-ended. */
const TERM = /[\p{L}\p{M}\p{N}\p{Co}]+(?:[-_.'’/:@+][\p{L}\p{M}\p{N}\p{Co}]+)*(\*)?/gu;
const PHRASE = /"([^"]*)"/g;
const MAX_TERMS = 64;

/**
 * An FTS5 query matching chunks that contain any of the query's words, for BM25 to rank
 * (chunks with more and rarer words score higher). `"quoted text"` stays a phrase, `word*`
 * matches prefixes, and connected words (`state-of-the-art`) must appear side by side.
 * Operators the user types (AND, OR, NOT, NEAR) are searched as plain words. Returns
 * undefined when the query has no searchable word at all (only punctuation).
 *
 * @example
 * ```ts
 * toFtsQuery('state-of-the-art "exact phrase" rank* AND (x)');
 * // '"exact phrase" OR "state of the art" OR "rank"* OR "AND" OR "x"'
 * ```
 */
export function toFtsQuery(query: string): string | undefined {
  const terms = new Set<string>();
  const addTerm = (text: string, prefix: boolean) => {
    const tokens = text.match(TOKEN);
    if (tokens === null || terms.size >= MAX_TERMS) return;
    terms.add(`"${tokens.join(" ")}"${prefix ? "*" : ""}`);
  };
  const outsidePhrases = query.replace(PHRASE, (_match, phrase: string) => {
    addTerm(phrase, false);
    return " ";
  });
  for (const match of outsidePhrases.matchAll(TERM)) addTerm(match[0], match[1] === "*");
  return terms.size === 0 ? undefined : [...terms].join(" OR ");
}
