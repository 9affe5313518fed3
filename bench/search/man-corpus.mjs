/**
 * The man-page corpus for the search benchmark, built at bench time from this machine's
 * /usr/share/man (never shipped: the pages belong to their packages). Each page is rendered to
 * plain text by man(1) at 80 columns; a page that is a symbolic link to another (egrep → grep)
 * is rendered too, so identical pages stay in the corpus as they are on a real system.
 *
 * The page set is fixed by rule: every page a labelled question names, then every other page of
 * section 1 in sorted order (gcloud's thousands of generated pages excluded) until `count`.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SECTION_DIR = "/usr/share/man/man1";

/** Page name → file in /usr/share/man/man1 ("grep" → "grep.1.gz"). */
function sectionPages() {
  const pages = new Map();
  for (const file of readdirSync(SECTION_DIR).sort()) {
    const match = /^(.+)\.1[^.]*(\.gz)?$/.exec(file);
    if (match === null || match[1].startsWith("gcloud")) continue;
    if (!pages.has(match[1])) pages.set(match[1], file);
  }
  return pages;
}

/**
 * Renders the corpus into `directory` (reusing pages rendered by an earlier run) and returns
 * the page names in it.
 */
export async function buildManCorpus(directory, { count, labelledPages }) {
  const available = sectionPages();
  const chosen = new Set(labelledPages.filter((page) => available.has(page)));
  const names = [...available.keys()];
  for (let i = 0; i < names.length && chosen.size < count; i += 2) chosen.add(names[i]);
  for (let i = 1; i < names.length && chosen.size < count; i += 2) chosen.add(names[i]);
  mkdirSync(directory, { recursive: true });
  const pages = [...chosen].sort();
  // Pages rendered for an earlier choice (the machine's man pages change as packages come and
  // go) would otherwise be indexed with the corpus.
  const wanted = new Set(pages.map((page) => `${page}.txt`));
  for (const entry of readdirSync(directory)) {
    if (entry.endsWith(".txt") && !wanted.has(entry)) rmSync(join(directory, entry));
  }
  const pending = pages.filter((page) => !existsSync(join(directory, `${page}.txt`)));
  const render = async (page) => {
    const { stdout } = await run(
      "sh",
      [
        "-c",
        'man -l -P cat "$1" 2>/dev/null | col -bx',
        "sh",
        join(SECTION_DIR, available.get(page)),
      ],
      { env: { ...process.env, MANWIDTH: "80", LANG: "C.UTF-8" }, maxBuffer: 64 * 2 ** 20 },
    );
    writeFileSync(join(directory, `${page}.txt`), stdout);
  };
  for (let i = 0; i < pending.length; i += 4)
    await Promise.all(pending.slice(i, i + 4).map(render));
  return pages;
}
