/**
 * Gathers a corpus of real text that nobody on the team wrote, from files a fresh machine of this
 * kind already has: this repository's node_modules (after `npm ci`), licences, package docs,
 * English and localized man pages, and translation catalogs (.mo msgstr strings). Nothing is
 * committed or downloaded; missing paths are skipped, and callers check the totals.
 *
 * Shared by the exactness test (a sample of a few MB) and the benchmark (the full corpus), so
 * both measure the same kind of text.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The categories the benchmark reports separately. */
export const corpusCategories = ["english", "code", "multilingual", "json"];

const largestFileBytes = 1024 * 1024;
const utf8 = new TextDecoder("utf-8");

function listFiles(root, accept, found = []) {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return found;
  }
  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) listFiles(path, accept, found);
    else if (entry.isFile() && accept(path, entry.name)) found.push(path);
  }
  return found;
}

function readBytes(path) {
  try {
    if (statSync(path).size > largestFileBytes) return undefined;
    const bytes = readFileSync(path);
    return path.endsWith(".gz") ? gunzipSync(bytes) : bytes;
  } catch {
    return undefined;
  }
}

function looksLikeText(bytes) {
  const probe = bytes.subarray(0, 4096);
  return !probe.includes(0);
}

function readText(path) {
  const bytes = readBytes(path);
  if (bytes === undefined || bytes.length > largestFileBytes * 4 || !looksLikeText(bytes)) {
    return undefined;
  }
  return utf8.decode(bytes);
}

/** The translated strings of a GNU gettext catalog, one per line. */
export function readMessageCatalog(bytes) {
  if (bytes.length < 28) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const littleEndian = magic === 0x950412de;
  if (!littleEndian && magic !== 0xde120495) return undefined;
  const count = view.getUint32(8, littleEndian);
  const translationsOffset = view.getUint32(16, littleEndian);
  const lines = [];
  for (let index = 0; index < count; index += 1) {
    const entry = translationsOffset + index * 8;
    if (entry + 8 > bytes.length) break;
    const length = view.getUint32(entry, littleEndian);
    const offset = view.getUint32(entry + 4, littleEndian);
    if (length === 0 || offset + length > bytes.length) continue;
    for (const form of utf8.decode(bytes.subarray(offset, offset + length)).split("\0")) {
      if (form.length > 0) lines.push(form);
    }
  }
  return lines.length === 0 ? undefined : lines.join("\n");
}

function readCatalogFile(path) {
  const bytes = readBytes(path);
  return bytes === undefined ? undefined : readMessageCatalog(bytes);
}

const nodeModules = join(repositoryRoot, "node_modules");
const docTextNames =
  /(^copyright$|^readme|^todo|^authors|^news|^changelog|\.(txt|md|rst)(\.gz)?$)/i;
const codeNames = /\.(js|mjs|cjs|ts|mts|cts|c|h|py|pl|sh|awk)$/;
// The tokenizers' own vocabularies are base64 dumps, not representative JSON.
const vocabularyDumps =
  /node_modules\/(tiktoken\/encoders|gpt-tokenizer\/(data|esm|cjs|src)\/bpeRanks)\//;
const languageDirectory = /^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?$/;

function localizedManDirectories() {
  try {
    return readdirSync("/usr/share/man")
      .filter((name) => languageDirectory.test(name))
      .sort()
      .map((name) => join("/usr/share/man", name));
  } catch {
    return [];
  }
}

/** The language directory a localized file sits in (man/<language>/, locale/<language>/). */
function languageOf(path) {
  const match = /\/usr\/share\/(?:man|locale)\/([^/]+)\//.exec(path);
  return match === null ? "" : match[1];
}

function catalogFiles() {
  const found = [];
  let languages = [];
  try {
    languages = readdirSync("/usr/share/locale").sort();
  } catch {
    return found;
  }
  for (const language of languages) {
    found.push(
      ...listFiles(join("/usr/share/locale", language, "LC_MESSAGES"), (_path, name) =>
        name.endsWith(".mo"),
      ),
    );
  }
  return found;
}

/** Candidate files per category, each with the reader that turns it into text. */
function candidateSources() {
  const text = (path) => ({ path, read: readText });
  const english = [
    ...listFiles("/usr/share/common-licenses", () => true),
    ...listFiles("/usr/share/doc", (_path, name) => docTextNames.test(name)),
    ...listFiles(
      "/usr/share/man",
      (path, name) => /\/man\d\//.test(path) && name.endsWith(".gz"),
    ).filter((path) => /^\/usr\/share\/man\/man\d\//.test(path)),
    ...listFiles(nodeModules, (_path, name) => /\.md$/i.test(name)),
  ].map(text);
  const code = [
    ...listFiles(nodeModules, (_path, name) => codeNames.test(name)),
    ...listFiles("/usr/share/doc", (_path, name) => codeNames.test(name)),
  ].map(text);
  const json = listFiles(
    nodeModules,
    (path, name) => name.endsWith(".json") && !vocabularyDumps.test(path),
  ).map(text);
  const multilingual = [
    ...localizedManDirectories().flatMap((root) =>
      listFiles(root, (_path, name) => name.endsWith(".gz")),
    ),
  ]
    .map(text)
    .concat(catalogFiles().map((path) => ({ path, read: readCatalogFile })))
    .map((source) => ({ ...source, language: languageOf(source.path) }));
  return { english, code, multilingual, json };
}

function seededOrder(length, seed) {
  const order = Array.from({ length }, (_, index) => index);
  let state = seed >>> 0 || 1;
  for (let index = length - 1; index > 0; index -= 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const pick = (state >>> 0) % (index + 1);
    [order[index], order[pick]] = [order[pick], order[index]];
  }
  return order;
}

/**
 * Localized files are read as their first lines, up to this many UTF-16 code units, so that a
 * sample of a few hundred kilobytes already visits every language on the machine.
 */
const localizedExcerptLength = 8192;

function firstLines(text, length) {
  if (text.length <= length) return text;
  const cut = text.lastIndexOf("\n", length);
  return text.slice(0, cut > 0 ? cut + 1 : length);
}

/**
 * Orders candidates for reading: seeded pseudo-random, and for localized text round-robin over
 * languages, so even a small sample holds Arabic, CJK and Cyrillic, not only the languages with
 * the most files.
 */
function readingOrder(candidates, seed) {
  const shuffled = seededOrder(candidates.length, seed).map((index) => candidates[index]);
  const byLanguage = new Map();
  for (const candidate of shuffled) {
    const language = candidate.language ?? "";
    if (!byLanguage.has(language)) byLanguage.set(language, []);
    byLanguage.get(language).push(candidate);
  }
  const queues = [...byLanguage.values()];
  const ordered = [];
  for (let round = 0; ordered.length < shuffled.length; round += 1) {
    for (const queue of queues) if (round < queue.length) ordered.push(queue[round]);
  }
  return ordered;
}

/**
 * Reads documents per category until each reaches `bytesPerCategory` UTF-8 bytes, picking files
 * in a seeded order (see readingOrder) so a sample spreads across packages and languages.
 */
export function gatherCorpus({ bytesPerCategory, seed = 20_240_601 }) {
  const sources = candidateSources();
  const documents = [];
  const bytesByCategory = {};
  for (const category of corpusCategories) {
    let total = 0;
    for (const { path, read, language } of readingOrder(sources[category], seed)) {
      if (total >= bytesPerCategory) break;
      const whole = read(path);
      if (whole === undefined || whole.length === 0) continue;
      const text = language === undefined ? whole : firstLines(whole, localizedExcerptLength);
      if (text.length === 0) continue;
      const bytes = Buffer.byteLength(text, "utf8");
      documents.push({ category, path, text, bytes });
      total += bytes;
    }
    bytesByCategory[category] = total;
  }
  const totalBytes = Object.values(bytesByCategory).reduce((sum, bytes) => sum + bytes, 0);
  return { documents, bytesByCategory, totalBytes };
}
