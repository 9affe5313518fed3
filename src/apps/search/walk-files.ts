/**
 * Finds the files to index under the paths a user gives: text, Markdown and source files,
 * skipping what would only add noise, cost or risk (dependencies, VCS internals, build output,
 * binaries, lockfiles, secrets, files over the size limit).
 */
import type { Dirent, Stats } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { TokenwiseError } from "../../core/errors/index.js";
import { type IgnoreRule, isIgnored, parseIgnoreRules } from "./ignore-rules.js";

/** Directories never entered, whatever the ignore files say. */
const NEVER_ENTERED = new Set([".git", ".hg", ".svn", "node_modules", ".tokenwise"]);

/**
 * Skipped unless an ignore file re-includes them (`!dist/` in `.tokenwiseignore`): build
 * output, virtual environments, lockfiles, minified bundles and files that usually hold secrets.
 */
const DEFAULT_RULES = [
  "dist/",
  "build/",
  "coverage/",
  "target/",
  "__pycache__/",
  "venv/",
  "*.min.js",
  "*.min.css",
  "*.map",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "*.lock",
  "*.pem",
  "*.key",
  "*.p12",
  "*.pfx",
  "id_rsa*",
  "id_ed25519*",
].join("\n");

/** Extensions of files that are never text, skipped without reading them. */
const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico webp avif tiff psd svgz heic pdf zip gz tgz bz2 xz 7z rar zst tar jar war " +
    "woff woff2 ttf otf eot mp3 mp4 m4a wav ogg flac avi mov mkv webm exe dll so dylib a o obj lib " +
    "class pyc pyo wasm bin dat db sqlite sqlite3 parquet arrow npy npz pkl pt onnx safetensors " +
    "doc docx xls xlsx ppt pptx odt key numbers dmg iso"
  )
    .split(" ")
    .map((extension) => `.${extension}`),
);

/** Ignore files read in every directory, in this order. */
const IGNORE_FILES = [".gitignore", ".tokenwiseignore"];

export interface WalkOptions {
  /** Files larger than this are skipped (bytes). */
  maxFileBytes: number;
  /** Extra directories never entered (the data directory, when it lives inside a root). */
  excludeDirs?: readonly string[];
}

export interface WalkedFile {
  /** Absolute path. */
  path: string;
  size: number;
}

export type SkipReason = "too-large" | "binary" | "unreadable";

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail: string;
}

export interface WalkResult {
  /** The absolute paths the walk started from. */
  roots: string[];
  /** Files to index, sorted by path. */
  files: WalkedFile[];
  /** Files seen and left out, with why. */
  skipped: SkippedFile[];
  /** Files and directories left out by ignore rules, hidden names or the never-entered list. */
  ignored: number;
}

/**
 * Walks `paths` (files or directories). A file named explicitly is indexed even when an ignore
 * rule or a leading dot would have skipped it; binaries and oversized files never are.
 * Symbolic links found inside directories are not followed, so a link loop cannot trap the walk.
 *
 * @example
 * ```ts
 * const { files, skipped } = await walkFiles(["docs", "README.md"], { maxFileBytes: 1_000_000 });
 * ```
 */
export async function walkFiles(
  paths: readonly string[],
  options: WalkOptions,
): Promise<WalkResult> {
  const excluded = new Set((options.excludeDirs ?? []).map((dir) => resolve(dir)));
  const result: WalkResult = { roots: [], files: [], skipped: [], ignored: 0 };
  const seen = new Set<string>();
  const addFile = (path: string, size: number) => {
    if (seen.has(path)) return;
    seen.add(path);
    if (BINARY_EXTENSIONS.has(extname(path).toLowerCase())) {
      result.skipped.push({
        path,
        reason: "binary",
        detail: `${extname(path)} files are not text`,
      });
    } else if (size > options.maxFileBytes) {
      result.skipped.push({
        path,
        reason: "too-large",
        detail: `${size} bytes, over the ${options.maxFileBytes}-byte limit`,
      });
    } else {
      result.files.push({ path, size });
    }
  };

  const walkDirectory = async (directory: string, inherited: readonly IgnoreRule[]) => {
    const rules = [...inherited, ...(await readIgnoreRules(directory))];
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (cause) {
      result.skipped.push({ path: directory, reason: "unreadable", detail: errorCode(cause) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      const isDirectory = entry.isDirectory();
      if (
        entry.name.startsWith(".") ||
        entry.isSymbolicLink() ||
        (isDirectory && (NEVER_ENTERED.has(entry.name) || excluded.has(path))) ||
        isIgnored(rules, path, isDirectory)
      ) {
        result.ignored++;
        continue;
      }
      if (isDirectory) {
        await walkDirectory(path, rules);
      } else if (entry.isFile()) {
        try {
          addFile(path, (await stat(path)).size);
        } catch (cause) {
          result.skipped.push({ path, reason: "unreadable", detail: errorCode(cause) });
        }
      }
    }
  };

  for (const given of paths) {
    const path = resolve(given);
    let info: Stats;
    try {
      info = await stat(path);
    } catch (cause) {
      const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
      throw new TokenwiseError(
        missing ? "not_found" : "invalid_input",
        missing
          ? `path not found: ${given} (check the spelling, or run from the directory that contains it)`
          : `cannot read ${given}: ${errorCode(cause)}`,
        { details: { field: "paths", path: given } },
      );
    }
    result.roots.push(path);
    if (info.isDirectory()) {
      const rootRules = parseIgnoreRules(DEFAULT_RULES, path);
      await walkDirectory(path, rootRules);
    } else if (info.isFile()) {
      addFile(path, info.size);
    } else {
      throw new TokenwiseError("invalid_input", `${given} is neither a file nor a directory`, {
        details: { field: "paths", path: given },
      });
    }
  }
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

async function readIgnoreRules(directory: string): Promise<IgnoreRule[]> {
  const rules: IgnoreRule[] = [];
  for (const name of IGNORE_FILES) {
    const path = join(directory, name);
    try {
      if (!(await lstat(path)).isFile()) continue;
      rules.push(...parseIgnoreRules(await readFile(path, "utf8"), directory));
    } catch {
      // No ignore file here (the common case) or an unreadable one: nothing to apply.
    }
  }
  return rules;
}

function errorCode(cause: unknown): string {
  return (
    (cause as NodeJS.ErrnoException).code ??
    (cause instanceof Error ? cause.message : String(cause))
  );
}
