#!/usr/bin/env node
/** Executable entry point of the `tokenwise` command line. */
import { run } from "./program.js";

// A closed pipe (`tokenwise models | head`) is a normal way for a reader to stop: exit quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

process.exitCode = await run(process.argv);
