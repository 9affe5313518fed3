#!/usr/bin/env node
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gatherCorpus } from "../../test/tokenizer-exactness/corpus.mjs";
/**
 * Benchmark of `tokenwise tokens` on a big stdin: wall time and peak memory (maximum resident
 * set size, from /usr/bin/time -v) of the CLI process, one model at a time and several models
 * in one pass. With --baseline, the same runs with another build of the CLI (an older commit,
 * built into DIR/dist) interleaved in the same run, and the counts of both compared.
 *
 * Usage: npm run build && node bench/tokenizer/big-input.mjs [--megabytes 50]
 *        [--repetitions 3] [--baseline DIR] [--baseline-label TEXT] [--write]
 * With --write the results replace this benchmark's section of BENCHMARKS.md.
 *
 * The input is the corpus the tokenizer benchmark gathers from this machine
 * (test/tokenizer-exactness/corpus.mjs), its documents repeated in order up to the size asked
 * for, so it mixes English, code, other scripts and JSON.
 */
import { writeBenchmarksSection } from "../benchmarks-file.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: {
    megabytes: { type: "string", default: "50" },
    repetitions: { type: "string", default: "3" },
    baseline: { type: "string" },
    "baseline-label": { type: "string" },
    write: { type: "boolean", default: false },
  },
});
const targetBytes = Math.round(Number(options.megabytes) * 1_000_000);
const repetitions = Number(options.repetitions);
const current = join(root, "dist", "faces", "cli", "main.js");
const baseline =
  options.baseline === undefined
    ? undefined
    : join(resolve(options.baseline), "dist", "faces", "cli", "main.js");
for (const entry of [current, baseline]) {
  if (entry !== undefined && !existsSync(entry)) {
    console.error(`${entry} is missing: build it first`);
    process.exit(1);
  }
}
if (!existsSync("/usr/bin/time")) {
  console.error("/usr/bin/time is missing (it measures the peak memory): install GNU time");
  process.exit(1);
}

const corpus = gatherCorpus({ bytesPerCategory: 2_500_000 });
const parts = [];
let bytes = 0;
for (let index = 0; bytes < targetBytes; index += 1) {
  const document = corpus.documents[index % corpus.documents.length];
  const text = `${document.text}\n`;
  parts.push(text);
  bytes += Buffer.byteLength(text, "utf8");
}
const inputPath = join(tmpdir(), `tokenwise-big-input-${process.pid}.txt`);
writeFileSync(inputPath, parts.join(""));
parts.length = 0;

const scenarios = [
  ["gpt-4o"],
  ["gpt-4"],
  ["claude-3-5-sonnet"],
  ["gemini-2.0-flash"],
  ["gpt-4o", "gpt-4", "claude-3-5-sonnet", "gemini-2.0-flash"],
];

/** One CLI run on the input file as stdin: wall seconds, CPU seconds, peak RSS MB, counts. */
function measure(entry, models) {
  const stdin = openSync(inputPath, "r");
  try {
    const result = spawnSync(
      "/usr/bin/time",
      ["-v", process.execPath, entry, "tokens", "--json", "-m", models.join(",")],
      { stdio: [stdin, "pipe", "pipe"], maxBuffer: 1 << 26, encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`${entry} failed: ${result.stderr}`);
    const field = (name) => new RegExp(`${name}: (.+)`).exec(result.stderr)?.[1]?.trim();
    const [minutes, seconds] = (
      field("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)") ?? "0:0"
    )
      .split(":")
      .map(Number);
    return {
      wall: minutes * 60 + seconds,
      cpu: Number(field("User time \\(seconds\\)")) + Number(field("System time \\(seconds\\)")),
      rssMb: Number(field("Maximum resident set size \\(kbytes\\)")) / 1024,
      counts: JSON.parse(result.stdout).map((row) => row.tokens),
    };
  } finally {
    closeSync(stdin);
  }
}

const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const loadBefore = loadavg()[0];
const rows = [];
for (const models of scenarios) {
  const runs = { current: [], baseline: [] };
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    // Alternate which build goes first, so neither always runs on a warmer machine.
    const order = repetition % 2 === 0 ? ["current", "baseline"] : ["baseline", "current"];
    for (const which of order) {
      const entry = which === "current" ? current : baseline;
      if (entry !== undefined) runs[which].push(measure(entry, models));
    }
  }
  const summary = (list) =>
    list.length === 0
      ? undefined
      : {
          wall: median(list.map((run) => run.wall)),
          cpu: median(list.map((run) => run.cpu)),
          rssMb: median(list.map((run) => run.rssMb)),
          counts: list[0].counts,
        };
  const row = { models, current: summary(runs.current), baseline: summary(runs.baseline) };
  if (row.baseline !== undefined && row.baseline.counts.join() !== row.current.counts.join()) {
    throw new Error(`counts differ for ${models}: ${row.current.counts} vs ${row.baseline.counts}`);
  }
  rows.push(row);
  console.error(JSON.stringify(row));
}
rmSync(inputPath);
const loadAfter = loadavg()[0];

const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown";
  }
})();
const fixed = (value, digits = 2) => value.toFixed(digits);
const lines = [];
lines.push("## Tokenizer: `tokenwise tokens` on a big stdin (bounded memory)");
lines.push("");
lines.push(`- Date: ${new Date().toISOString()}; commit ${commit} (plus the working tree)`);
lines.push(
  `- Machine: ${cpus().length} cores (nproc), ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, shared with other jobs while measured`,
);
lines.push(
  `- Command: \`npm run build && node bench/tokenizer/big-input.mjs --megabytes ${options.megabytes} --repetitions ${repetitions}${options.baseline === undefined ? "" : ` --baseline DIR --baseline-label "${options["baseline-label"] ?? options.baseline}"`} --write\``,
);
lines.push(
  `- Input: ${fixed(bytes / 1e6, 1)} MB on stdin: the tokenizer corpus gathered from this machine (${fixed(corpus.totalBytes / 1e6, 1)} MB of English, code, other scripts and JSON), repeated in order to the size (${fixed(bytes / corpus.totalBytes, 1)} times, so after the first pass the tokenizers' piece caches answer most pieces; text that never repeats costs more merging); \`tokenwise tokens --json -m MODELS < input\`.`,
);
lines.push(
  "- Measured: wall time and maximum resident set size of the CLI process (`/usr/bin/time -v`), medians of the repetitions; token counts of both builds compared (equal in every scenario)." +
    (baseline === undefined
      ? ""
      : ` Peer: ${options["baseline-label"] ?? "the baseline build"}, run interleaved in the same run; ratios are peer / tokenwise (above 1: now faster or smaller).`),
);
lines.push(
  `- Load: load average ${fixed(loadBefore)} before and ${fixed(loadAfter)} after the runs, on ${cpus().length} cores; wall times include waiting for a core, CPU s (user + system of the CLI process) does not.`,
);
lines.push(
  '- Goal: at most 3 s per model and at most 300 MB RSS. The "Goal met" column judges wall time, as the goal is stated.',
);
lines.push("");
const header =
  baseline === undefined
    ? "| Models | Tokens | Wall s | CPU s | RSS MB | Goal met |\n|---|---:|---:|---:|---:|---|"
    : "| Models | Tokens | Wall s | CPU s | RSS MB | Peer wall s | Peer CPU s | Peer RSS MB | × wall | × CPU | × RSS | Goal met |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";
lines.push(header);
for (const row of rows) {
  const { current: now, baseline: before } = row;
  const met = now.wall <= 3 * row.models.length && now.rssMb <= 300;
  const cells = [
    row.models.join(", "),
    now.counts.map((count) => count.toLocaleString("en-US")).join(" / "),
    fixed(now.wall),
    fixed(now.cpu),
    fixed(now.rssMb, 0),
  ];
  if (before !== undefined) {
    cells.push(
      fixed(before.wall),
      fixed(before.cpu),
      fixed(before.rssMb, 0),
      fixed(before.wall / now.wall),
      fixed(before.cpu / now.cpu),
      fixed(before.rssMb / now.rssMb, 1),
    );
  }
  cells.push(
    met
      ? `yes (≤ ${3 * row.models.length} s, ≤ 300 MB)`
      : `no (goal ≤ ${3 * row.models.length} s, ≤ 300 MB)`,
  );
  lines.push(`| ${cells.join(" | ")} |`);
}
const section = lines.join("\n");
console.log(section);

if (options.write) {
  const heading = "## Tokenizer: `tokenwise tokens` on a big stdin";
  console.error(`wrote ${writeBenchmarksSection({ root, heading, section })}`);
}
