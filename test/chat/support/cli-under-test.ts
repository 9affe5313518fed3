/**
 * How the chat tests run the CLI as a user would: the built JavaScript through node. The build
 * is refreshed when a chat source is newer than its output; `dist/faces/cli/main.js` is used once the
 * program registers `chat`, otherwise a small entry that registers it on a fresh program.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const builtCommand = join(repositoryRoot, "dist/faces/cli/commands/chat-command.js");
const builtProgram = join(repositoryRoot, "dist/faces/cli/program.js");

function newestSource(): number {
  const files = [join(repositoryRoot, "src/faces/cli/commands/chat-command.ts")];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) files.push(path);
    }
  };
  walk(join(repositoryRoot, "src/apps/chat"));
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

/** Builds the package when the chat sources changed since the last build. */
export function ensureBuilt(): void {
  if (existsSync(builtCommand) && statSync(builtCommand).mtimeMs >= newestSource()) return;
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
      cwd: repositoryRoot,
      stdio: "pipe",
    });
  } catch {
    // tsc still writes its output when other folders have type errors; the check below decides.
  }
  if (!existsSync(builtCommand)) throw new Error(`The build did not produce ${builtCommand}`);
}

/** The node arguments that start `tokenwise`, before the command's own arguments. */
export function cliEntry(): string[] {
  const programRegistersChat =
    existsSync(builtProgram) && readFileSync(builtProgram, "utf8").includes("registerChatCommand");
  return programRegistersChat
    ? [join(repositoryRoot, "dist/faces/cli/main.js")]
    : [join(repositoryRoot, "test/chat/support/chat-cli.mjs")];
}

/** A local port nothing listens on, so connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
