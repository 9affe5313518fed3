// Moves the flat src/ folders into the four layer folders described in scripts/layers/ARCHITECTURE.md
// (which becomes docs/ARCHITECTURE.md)
// (core, adapters, apps, faces), rewrites every path that pointed at a moved file, and turns
// imports that reach into another module's files into imports of that module's index.ts.
//
// Usage (from the repository root, on a clean work tree): node scripts/restructure-layers.mjs
// It is re-runnable: on a tree that is already layered it prints "already layered" and exits 0.
// It stops before changing anything when src/ holds a folder it has no layer for.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

/** Layer of every top-level src/ module, lowest first. */
const layers = {
  core: [
    "errors",
    "money",
    "messages",
    "tokens",
    "catalog",
    "cost",
    "prompts",
    "sampling",
    "vectors",
  ],
  adapters: ["stores", "providers", "ledger", "cache", "embeddings", "mock-upstream"],
  apps: ["client", "chat", "search", "report", "gateway"],
  faces: ["ai-sdk", "dashboard", "cli", "repl"],
};

/** Folders and files that change module before the layer move (old path -> new path). */
const preMoves = [
  // The REPL is a terminal face over the chat app, not part of the chat app.
  ["src/chat/repl", "src/repl"],
  // A test helper the providers' tests use too: it belongs to the lower module.
  ["src/client/test-support/failure-of.ts", "src/providers/test-support/failure-of.ts"],
  // The guard test that keeps the layering true starts running once the tree is layered.
  ["scripts/layers/import-graph.test.ts", "test/architecture/import-graph.test.ts"],
  // The architecture document of the layered tree, which the guard test checks.
  ["scripts/layers/ARCHITECTURE.md", "docs/ARCHITECTURE.md"],
];

const git = (...args) => execFileSync("git", args, { encoding: "utf8" });

if (existsSync("src/core")) {
  console.log("already layered: src/core exists, nothing to do");
  process.exit(0);
}
if (git("status", "--porcelain", "--untracked-files=no").trim() !== "") {
  console.error("the work tree has uncommitted changes: commit or stash them first");
  process.exit(1);
}

const layerOf = new Map(
  Object.entries(layers).flatMap(([layer, names]) => names.map((n) => [n, layer])),
);
const topFolders = git("ls-files", "src")
  .trim()
  .split("\n")
  .map((file) => file.split("/"))
  .filter((parts) => parts.length > 2)
  .map((parts) => parts[1]);
const afterPreMoves = new Set([...topFolders, "repl"]);
const unknown = [...afterPreMoves].filter((name) => !layerOf.has(name));
if (unknown.length > 0) {
  console.error(`no layer for src/${unknown.join(", src/")}: add it to \`layers\` in this script`);
  process.exit(1);
}

/** Every move, old path -> new path, most specific first. */
const moves = [
  ...preMoves,
  ...[...layerOf].map(([name, layer]) => [`src/${name}`, `src/${layer}/${name}`]),
];

/** Where an old path (file or folder; `x.js` for `x.ts`) lives after all moves. */
function moved(oldPath) {
  if (
    oldPath.endsWith(".js") &&
    !existsSync(oldPath) &&
    existsSync(oldPath.replace(/\.js$/, ".ts"))
  ) {
    return moved(oldPath.replace(/\.js$/, ".ts")).replace(/\.ts$/, ".js");
  }
  let path = oldPath;
  for (const [from, to] of moves) {
    if (path === from || path.startsWith(`${from}/`)) path = to + path.slice(from.length);
  }
  return path;
}

const textExtensions = /\.(ts|mts|cts|mjs|cjs|js|json|md)$/;
const tracked = git("ls-files")
  .trim()
  .split("\n")
  .filter((file) => textExtensions.test(file) && !file.startsWith("node_modules/"))
  .filter((file) => !/^src\/[^/]+\/(data|bpe\/data)\//.test(file) && !file.includes("/data/"))
  .filter((file) => !file.startsWith("package-lock") && statSync(file).size < 2_000_000)
  .filter(
    (file) =>
      !file.startsWith("scripts/restructure-layers.mjs") && !file.startsWith("scripts/layers/"),
  )
  // The changelog records paths as they were; the architecture document already names the new ones.
  .filter((file) => file !== "CHANGELOG.md" && file !== "docs/ARCHITECTURE.md");

/** True when `path` (a repository path in the old layout) names a file or folder. */
function existsOld(path) {
  if (existsSync(path)) return true;
  return /\.js$/.test(path) && existsSync(path.replace(/\.js$/, ".ts"));
}

function asRelative(fromFile, toPath) {
  const spec = relative(dirname(fromFile), toPath).split(sep).join("/");
  return spec.startsWith(".") ? spec : `./${spec}`;
}

/** Rewrites the relative path literals of one file (old layout) for its new place. */
function rewriteRelative(oldFile, text) {
  const newFile = moved(oldFile);
  return text.replace(/(["'`])(\.\.?\/[^"'`\s$]*)\1/g, (whole, quote, spec) => {
    const oldTarget = normalize(join(dirname(oldFile), spec))
      .split(sep)
      .join("/");
    if (!existsOld(oldTarget)) return whole;
    const newTarget = moved(oldTarget);
    if (newTarget === oldTarget && newFile === oldFile) return whole;
    const trailing = spec.endsWith("/") ? "/" : "";
    return `${quote}${asRelative(newFile, newTarget)}${trailing}${quote}`;
  });
}

const moduleNames = [...layerOf.keys()].sort((a, b) => b.length - a.length).join("|");
/** Path strings that are relative to the repository root or to dist/, not to the file. */
const rootPathRules = [
  // "src/cost/...", "dist/cli/main.js", "**/src/catalog/data", "../../dist/gateway/..."
  [
    new RegExp(`(?<![\\w-])(src|dist)/(${moduleNames})(?=[/"'\`\\s)]|$)`, "gm"),
    (_, top, name) => `${top}/${layerOf.get(name)}/${name}`,
  ],
  // join(root, "dist", "search", "index.js")
  [
    new RegExp(`"(src|dist)", "(${moduleNames})"`, "g"),
    (_, top, name) => `"${top}", "${layerOf.get(name)}", "${name}"`,
  ],
  // const dist = (path) => ...; dist("client/index.js")
  [
    new RegExp(`\\bdist\\("(${moduleNames})/`, "g"),
    (_, name) => `dist("${layerOf.get(name)}/${name}/`,
  ],
  // compileForNode("ledger/test-support/worker.ts"): a path relative to src/ that names a file
  [
    new RegExp(`(["'\`])(${moduleNames})/([^"'\`\\s$]+)\\1`, "g"),
    (whole, quote, name, rest) =>
      existsOld(`src/${name}/${rest}`)
        ? `${quote}${moved(`src/${name}/${rest}`).slice(4)}${quote}`
        : whole,
  ],
  // join(distDirectory, "tokens", ...), join(resolve(options.dist), "tokens", ...)
  [
    new RegExp(`((?:distDirectory|options\\.dist\\))), "(${moduleNames})"`, "g"),
    (_, before, name) => `${before}, "${layerOf.get(name)}", "${name}"`,
  ],
];

// 1. Compute every file's new text in the old layout, before anything moves.
const rewritten = new Map();
for (const file of tracked) {
  const before = readFileSync(file, "utf8");
  let after = rewriteRelative(file, before);
  for (const [pattern, replace] of rootPathRules) after = after.replace(pattern, replace);
  if (after !== before) rewritten.set(moved(file), after);
}

// 2. Move with git mv, so history follows the files.
let movedCount = 0;
for (const [from, to] of moves) {
  if (!existsSync(from)) {
    console.log(`skipped: ${from} does not exist`);
    continue;
  }
  execFileSync("mkdir", ["-p", dirname(to)]);
  git("mv", from, to);
  movedCount += 1;
}
for (const [file, text] of rewritten) writeFileSync(file, text);
console.log(`moved ${movedCount} paths, rewrote paths in ${rewritten.size} files`);

// 3. Deep imports into another module become imports of that module's index.ts when the
//    index exports every imported name under the same name.
const srcFiles = git("ls-files", "src")
  .trim()
  .split("\n")
  .filter((file) => file.endsWith(".ts") && existsSync(file));
/** "src/<layer>/<module>" of a file, or undefined for src/index.ts. */
function moduleOf(file) {
  const parts = file.split("/");
  return parts.length > 3 ? parts.slice(0, 3).join("/") : undefined;
}
/** The index.ts that a deep target should be imported through: the nearest one inside its module. */
function indexFor(target) {
  const module = moduleOf(target);
  let dir = dirname(target);
  while (dir.length >= module.length) {
    if (existsSync(`${dir}/index.ts`) && `${dir}/index.ts` !== target) return `${dir}/index.ts`;
    dir = dirname(dir);
  }
  return undefined;
}

const program = ts.createProgram(srcFiles, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  allowJs: false,
  noEmit: true,
  skipLibCheck: true,
  resolveJsonModule: true,
});
const checker = program.getTypeChecker();
function exportsOf(indexFile) {
  const source = program.getSourceFile(join(root, indexFile));
  const symbol = source && checker.getSymbolAtLocation(source);
  return new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.getName()) : []);
}

let toIndex = 0;
const keptDeep = [];
for (const file of srcFiles) {
  const source = program.getSourceFile(join(root, file));
  if (!source) continue;
  const edits = [];
  for (const statement of source.statements) {
    const isImport = ts.isImportDeclaration(statement);
    if (!isImport && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
    const target = normalize(join(dirname(file), specifier.text.replace(/\.js$/, ".ts")))
      .split(sep)
      .join("/");
    const targetModule = moduleOf(target);
    if (!targetModule || targetModule === moduleOf(file) || target.endsWith("/index.ts")) continue;
    if (target.includes("/test-support/")) continue;
    let names = [];
    if (isImport) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      if (!clause || clause.name || (bindings && !ts.isNamedImports(bindings))) names = undefined;
      else names = (bindings?.elements ?? []).map((e) => (e.propertyName ?? e.name).text);
    } else {
      const clause = statement.exportClause;
      if (!clause || !ts.isNamedExports(clause)) names = undefined;
      else names = clause.elements.map((e) => (e.propertyName ?? e.name).text);
    }
    const index = indexFor(target);
    const exported = index ? exportsOf(index) : new Set();
    const missing = names === undefined ? ["*"] : names.filter((name) => !exported.has(name));
    if (index && missing.length === 0) {
      edits.push([
        specifier.getStart(source) + 1,
        specifier.getEnd() - 1,
        asRelative(file, index).replace(/\.ts$/, ".js"),
      ]);
    } else {
      keptDeep.push(`${file}: ${specifier.text} (${missing.join(", ")} not exported by its index)`);
      const why = `// Internal: ${missing.join(", ")} stays out of the public index of ${targetModule.slice(4)}.\n`;
      edits.push([statement.getStart(source), statement.getStart(source), why]);
    }
  }
  if (edits.length === 0) continue;
  let text = readFileSync(file, "utf8");
  for (const [start, end, spec] of edits.sort((a, b) => b[0] - a[0] || b[1] - a[1])) {
    text = text.slice(0, start) + spec + text.slice(end);
  }
  writeFileSync(file, text);
  toIndex += edits.filter(([start, end]) => start !== end).length;
}
console.log(`turned ${toIndex} deep imports into index imports`);
if (keptDeep.length > 0) {
  console.log(`kept ${keptDeep.length} deep imports:\n  ${keptDeep.join("\n  ")}`);
}

// 4. Let Biome sort the rewritten imports.
execFileSync(join("node_modules", ".bin", "biome"), ["check", "--write", "."], {
  stdio: "inherit",
});
console.log("done: run npm run typecheck, npm run lint and npm test, then commit");
