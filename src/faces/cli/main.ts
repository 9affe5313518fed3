#!/usr/bin/env node
/** Executable entry point of the `tokenwise` command line. */

// A closed pipe (`tokenwise models | head`) is a normal way for a reader to stop: exit quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

/**
 * The search program as one bundled file (written by `npm run build`, see
 * scripts/bundle-search-cli.mjs), or its modules when there is no bundle (a build without
 * rolldown): one module to load instead of about forty makes a fresh search start sooner.
 */
async function loadSearchProgram(): Promise<typeof import("./search-program.js")> {
  const bundle = "./search-program.bundle.js";
  try {
    return (await import(bundle)) as typeof import("./search-program.js");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" || !String(error).includes("search-program.bundle")) {
      throw error;
    }
    return import("./search-program.js");
  }
}

// A search or a count loads only its own command: a fresh process answers much sooner.
process.exitCode =
  process.argv[2] === "search"
    ? await (await loadSearchProgram()).runSearchProgram(process.argv)
    : process.argv[2] === "tokens"
      ? await (await import("./tokens-program.js")).runTokensProgram(process.argv)
      : await (await import("./program.js")).run(process.argv);
