// Copies the numbered SQL migrations beside the compiled runners (tsc only emits .ts output),
// so dist/adapters/stores/migrations/<engine>/NNNN_name.sql ships in the package.
import { cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const source = "src/adapters/stores/migrations";
const target = "dist/adapters/stores/migrations";
for (const entry of readdirSync(source, { withFileTypes: true })) {
  if (!entry.isDirectory() || entry.name === "test-support") continue;
  cpSync(join(source, entry.name), join(target, entry.name), {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || path.endsWith(".sql"),
  });
}
