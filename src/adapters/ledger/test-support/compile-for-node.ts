/**
 * Compiles a TypeScript entry file and every relative module it imports into plain ESM under
 * a temporary directory, so a test can run our real code in separate Node processes (Node 20
 * cannot run .ts itself). Uses the project's own `typescript` dev dependency.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SOURCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const REPOSITORY_ROOT = resolve(SOURCE_ROOT, "..");
const RELATIVE_IMPORT = /\bfrom\s+"(\.{1,2}\/[^"]+)\.js"/g;

/**
 * @example
 * ```ts
 * const { entry, directory } = compileForNode("adapters/ledger/test-support/sqlite-reserve-worker.ts");
 * fork(entry);
 * ```
 */
export function compileForNode(entryFromSource: string): { entry: string; directory: string } {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-compiled-"));
  writeFileSync(join(directory, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(REPOSITORY_ROOT, "node_modules"), join(directory, "node_modules"), "dir");
  const pending = [resolve(SOURCE_ROOT, entryFromSource)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, "utf8");
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(directory, relative(SOURCE_ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
    for (const match of output.outputText.matchAll(RELATIVE_IMPORT)) {
      pending.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  return {
    entry: join(directory, entryFromSource.replace(/\.ts$/, ".js")),
    directory,
  };
}
