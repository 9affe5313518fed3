/**
 * Gitignore-style rules: `#` comments, `!` to re-include, a trailing `/` for directories only,
 * a `/` inside the pattern to anchor it to the ignore file's directory, and `*`, `?`, `[a-z]`
 * and `**` wildcards. The last matching rule wins, as in git.
 */
import { relative, sep } from "node:path";

export interface IgnoreRule {
  /** Directory the rule is relative to (where its ignore file lives). */
  baseDir: string;
  matcher: RegExp;
  negated: boolean;
  directoryOnly: boolean;
  /** The line it came from, for explanations. */
  source: string;
}

/**
 * Parses the text of a `.gitignore` (or `.tokenwiseignore`) file living in `baseDir`.
 *
 * @example
 * ```ts
 * const rules = parseIgnoreRules("dist/\n*.log\n!keep.log", "/repo");
 * isIgnored(rules, "/repo/app.log", false); // true
 * isIgnored(rules, "/repo/keep.log", false); // false
 * ```
 */
export function parseIgnoreRules(text: string, baseDir: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    if (negated) line = line.slice(1);
    line = line.replace(/^\\([#!])/, "$1");
    const directoryOnly = line.endsWith("/");
    if (directoryOnly) line = line.slice(0, -1);
    if (line === "") continue;
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    const body = translateGlob(line);
    const matcher = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${body}$`);
    rules.push({ baseDir, matcher, negated, directoryOnly, source: rawLine.trim() });
  }
  return rules;
}

/**
 * True when the last rule matching `path` ignores it.
 *
 * @example
 * ```ts
 * isIgnored(parseIgnoreRules("build/", "/repo"), "/repo/build", true); // true
 * ```
 */
export function isIgnored(
  rules: readonly IgnoreRule[],
  path: string,
  isDirectory: boolean,
): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    const relativePath = relative(rule.baseDir, path);
    if (relativePath === "" || relativePath.startsWith("..")) continue;
    if (rule.matcher.test(relativePath.split(sep).join("/"))) ignored = !rule.negated;
  }
  return ignored;
}

function translateGlob(glob: string): string {
  let pattern = "";
  let at = 0;
  while (at < glob.length) {
    const char = glob[at] as string;
    if (glob.startsWith("**/", at) && (at === 0 || glob[at - 1] === "/")) {
      pattern += "(?:.*/)?";
      at += 3;
    } else if (glob.startsWith("**", at) && at === glob.length - 2 && glob[at - 1] === "/") {
      pattern += ".*";
      at += 2;
    } else if (char === "*") {
      pattern += "[^/]*";
      at += glob[at + 1] === "*" ? 2 : 1;
    } else if (char === "?") {
      pattern += "[^/]";
      at++;
    } else if (char === "[") {
      const close = glob.indexOf("]", at + 2);
      if (close === -1) {
        pattern += "\\[";
        at++;
      } else {
        const members = glob
          .slice(at + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        pattern += `[${members}]`;
        at = close + 1;
      }
    } else if (char === "\\" && at + 1 < glob.length) {
      pattern += escapeRegExp(glob[at + 1] as string);
      at += 2;
    } else {
      pattern += escapeRegExp(char);
      at++;
    }
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
