#!/usr/bin/env node
/**
 * The latency half of bench/search/run.mjs alone (no vector, quality or instruction-count
 * benchmarks): `tokenwise search` in fresh processes and in --serve mode on an index of the
 * first man pages (sorted) that reach 6,000 chunks, for one or more builds. With --cli naming
 * other builds' dist/faces/cli/main.js (comma-separated), every build is measured on the same
 * index, one build after another, and the whole pass repeated --passes times, so a change in
 * the machine's load falls on all builds alike.
 *
 * Usage: npm run build && nice -n 19 node bench/search/latency-only.mjs [--cli a/main.js,b/main.js] [--passes 2]
 */
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildLatencyIndex, measureFreshProcesses, measureServe } from "./cli-latency.mjs";
import { MAN_QUESTIONS, manCorpus } from "./man-eval.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ownCli = join(root, "dist", "faces", "cli", "main.js");
const { values: options } = parseArgs({
  options: { cli: { type: "string", default: ownCli }, passes: { type: "string", default: "1" } },
});
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { openSearchIndex } = await import(dist("apps/search/index.js"));
const { createOfflineEmbedder, OFFLINE_VECTORS_FILE } = await import(
  dist("adapters/embeddings/index.js")
);

const work = join(tmpdir(), "tokenwise-bench-search");
const gloveDir = join(work, "glove");
const embedder = createOfflineEmbedder({ dataDir: gloveDir });
const manDir = await manCorpus(join(work, "man-corpus"));

const dataDir = await buildLatencyIndex({
  directory: join(work, "latency-only"),
  manDir,
  embedder,
  openSearchIndex,
  cli: ownCli,
  vectorsPath: join(gloveDir, OFFLINE_VECTORS_FILE),
});
const index = openSearchIndex({ dataDir });
console.log("index", index.counts());
index.close();

const questions = MAN_QUESTIONS.slice(0, 20).map((question) => question.query);
const round = (value) => Math.round(value * 10) / 10;
for (let pass = 1; pass <= Number(options.passes); pass++) {
  for (const cli of options.cli.split(",")) {
    const fresh = measureFreshProcesses({ cli, dataDir, questions, mode: ["keyword", "hybrid"] });
    const serve = await measureServe({ cli, dataDir, questions, rounds: 5 });
    console.log(`pass ${pass} ${cli}`);
    for (const row of fresh) {
      console.log(
        `  ${row.name.padEnd(48)} wall median ${round(row.wallMedian)} p95 ${round(row.wallP95)} cpu median ${round(row.cpuMedian)}`,
      );
    }
    console.log(
      `  serve (${serve.queries} hybrid): client median ${round(serve.clientMedian)} p95 ${round(serve.clientP95)}; server p95 ${round(serve.serverP95)}; cpu median ${round(serve.cpuMedian)} p95 ${round(serve.cpuP95)}; first ${round(serve.first)}`,
    );
  }
}
