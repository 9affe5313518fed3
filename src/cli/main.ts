#!/usr/bin/env node
/** Executable entry point of the `tokenwise` command line. */
import { run } from "./program.js";

process.exitCode = await run(process.argv);
