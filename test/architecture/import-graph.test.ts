/**
 * Keeps the layering of docs/ARCHITECTURE.md true: a module imports only modules of its own
 * layer or of a lower one, reaches another module only through that module's index.ts (or a
 * sub-folder's index.ts, or, from tests, its test-support/ files), and modules never import
 * each other in a cycle. A deep import of a helper its module keeps out of the public index is
 * allowed only under a `// Internal:` comment naming why.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const src = join(root, "src");
const layers = ["core", "adapters", "apps", "faces"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "data" || entry.name === "static" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface Edge {
  from: string;
  to: string;
  line: number;
  internal: boolean;
}

const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.\.?\/[^"']+)["']/gm;

function edges(): Edge[] {
  return sourceFiles(src).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(importPattern)].map((match) => {
      const before = text.slice(0, match.index);
      const line = before.split("\n").length;
      // A dynamic import() is marked on the line above it; a static import or re-export on the
      // line above its (possibly multi-line) statement.
      const statementStart = /\bimport\s*\(/.test(match[0])
        ? before.lastIndexOf("\n") + 1
        : before.lastIndexOf("\nimport") + 1 || before.lastIndexOf("\nexport") + 1;
      const previousLine = text.slice(0, statementStart).trimEnd().split("\n").at(-1) ?? "";
      const target = normalize(join(dirname(file), match[1] ?? "")).replace(/\.js$/, ".ts");
      return {
        from: relative(src, file).split(sep).join("/"),
        to: relative(src, target).split(sep).join("/"),
        line,
        internal: previousLine.trim().startsWith("// Internal:"),
      };
    });
  });
}

/** "<layer>/<module>" of a path under src/, or undefined for src/index.ts. */
function moduleOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : undefined;
}

const isTest = (path: string) => path.endsWith(".test.ts") || path.includes("/test-support/");
const all = edges();
const crossModule = all.filter(
  (e) => moduleOf(e.from) && moduleOf(e.to) && moduleOf(e.from) !== moduleOf(e.to),
);

/** Imports of packages and Node built-ins that do I/O, which the core must not use. */
const ioModules =
  /from\s*["'](node:(fs|fs\/promises|http|https|http2|net|dgram|dns|child_process|worker_threads|cluster|sqlite)|better-sqlite3|ioredis|pg|undici|sqlite-vec)["']/;

describe("import graph", () => {
  it("finds the modules in the four layer folders", () => {
    const tops = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(tops.map((e) => e.name).sort()).toEqual([...layers].sort());
    expect(crossModule.length).toBeGreaterThan(100);
  });

  it("has no import from a lower layer into a higher one", () => {
    const upward = crossModule
      .filter(
        (e) =>
          layers.indexOf(e.to.split("/")[0] ?? "") > layers.indexOf(e.from.split("/")[0] ?? ""),
      )
      .map((e) => `${e.from}:${e.line} -> ${e.to}`);
    expect(upward).toEqual([]);
  });

  it("reaches other modules only through their index.ts", () => {
    const deep = crossModule
      .filter((e) => !e.to.endsWith("/index.ts"))
      .filter((e) => !(isTest(e.from) && e.to.includes("/test-support/")))
      .filter((e) => !e.internal)
      .map((e) => `${e.from}:${e.line} -> ${e.to}`);
    expect(deep).toEqual([]);
  });

  it("keeps I/O out of the core", () => {
    const withIo = sourceFiles(join(src, "core"))
      .filter((file) => !isTest(relative(src, file)))
      .filter((file) => ioModules.test(readFileSync(file, "utf8")))
      .map((file) => relative(src, file));
    expect(withIo).toEqual([]);
  });

  it("is described module by module in docs/ARCHITECTURE.md", () => {
    const doc = readFileSync(join(root, "docs", "ARCHITECTURE.md"), "utf8");
    const tree = doc.slice(
      doc.indexOf("```\nsrc/"),
      doc.indexOf("```", doc.indexOf("```\nsrc/") + 3),
    );
    const documented: string[] = [];
    let layer = "";
    for (const line of tree.split("\n")) {
      const match = /^ {2}( {2})?([a-z-]+)\//.exec(line);
      if (!match?.[2]) continue;
      if (match[1]) documented.push(`${layer}/${match[2]}`);
      else layer = match[2];
    }
    const modules = layers.flatMap((name) =>
      readdirSync(join(src, name), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${name}/${entry.name}`),
    );
    expect(documented.sort()).toEqual(modules.sort());
    for (const name of layers) expect(doc).toContain(`\n## ${name}\n`);
  });

  it("has no cycle between modules outside tests", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of crossModule.filter((edge) => !isTest(edge.from))) {
      const from = moduleOf(e.from) ?? "";
      graph.set(from, (graph.get(from) ?? new Set()).add(moduleOf(e.to) ?? ""));
    }
    const cycles: string[] = [];
    const visit = (module: string, path: string[]) => {
      for (const next of graph.get(module) ?? []) {
        if (path.includes(next))
          cycles.push([...path.slice(path.indexOf(next)), next].join(" -> "));
        else visit(next, [...path, next]);
      }
    };
    for (const module of graph.keys()) visit(module, [module]);
    expect(cycles).toEqual([]);
  });
});
