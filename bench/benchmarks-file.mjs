/**
 * Writes one benchmark's section of BENCHMARKS.md: the section whose heading line starts with
 * `heading` is replaced up to the next `## ` heading, or the section is appended when there is
 * none. Every benchmark's `--write` goes through here, so the file keeps one layout.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {{ root: string, heading: string, section: string }} options
 * @returns {string} the path written
 * @example
 * writeBenchmarksSection({ root, heading: "## Savings", section });
 */
export function writeBenchmarksSection({ root, heading, section }) {
  const path = join(root, "BENCHMARKS.md");
  const current = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const body = `${section.trimEnd()}\n`;
  const start = findHeadingLine(current, heading);
  let next;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${body}`;
  } else {
    const after = current.indexOf("\n## ", start + heading.length);
    next = `${current.slice(0, start)}${body}${after === -1 ? "" : `\n${current.slice(after + 1)}`}`;
  }
  writeFileSync(path, next);
  return path;
}

/**
 * The heading line that `heading` starts: at a line start, and ending there or going on with
 * ":" or " (" - so "## Gateway" finds "## Gateway: …" but not "## Gateway replicas: …".
 */
function findHeadingLine(text, heading) {
  for (let at = text.indexOf(heading); at !== -1; at = text.indexOf(heading, at + 1)) {
    if (at !== 0 && text[at - 1] !== "\n") continue;
    const end = at + heading.length;
    if (
      heading.endsWith("\n") ||
      end === text.length ||
      text[end] === "\n" ||
      text[end] === ":" ||
      text.startsWith(" (", end)
    ) {
      return at;
    }
  }
  return -1;
}
