#!/usr/bin/env node
/** Executable entry point of the `tokenwise` command line. */

// A closed pipe (`tokenwise models | head`) is a normal way for a reader to stop: exit quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

// A search or a count loads only its own command: a fresh process answers much sooner.
process.exitCode =
  process.argv[2] === "search"
    ? await (await import("./search-program.js")).runSearchProgram(process.argv)
    : process.argv[2] === "tokens"
      ? await (await import("./tokens-program.js")).runTokensProgram(process.argv)
      : await (await import("./program.js")).run(process.argv);
