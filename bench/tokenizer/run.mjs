#!/usr/bin/env node
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import * as gptO200k from "gpt-tokenizer/encoding/o200k_base";
import { get_encoding } from "tiktoken";
import { corpusCategories, gatherCorpus } from "../../test/tokenizer-exactness/corpus.mjs";
/**
 * Benchmark of the tokenwise BPE engine against its peers, in one run on the same inputs:
 * gpt-tokenizer 4 (pure JavaScript) and tiktoken 1.0.22 (WASM). js-tiktoken is not installed,
 * so it is not measured.
 *
 * Usage: npm run build && node bench/tokenizer/run.mjs [--dist dist] [--repetitions 7]
 *        [--bytes-per-category 2500000] [--write]
 * With --write the results replace the tokenizer section of BENCHMARKS.md.
 *
 * The corpus is gathered at run time like the exactness test's (test/tokenizer-exactness/corpus.mjs).
 * Times are CPU time of this process (process.cpuUsage), which other processes on a shared
 * machine disturb less than wall time; peers run interleaved, in rotating order, inside every
 * repetition, and ratios are medians of the per-repetition ratios.
 */
import { writeBenchmarksSection } from "../benchmarks-file.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: {
    dist: { type: "string", default: join(root, "dist") },
    repetitions: { type: "string", default: "7" },
    "bytes-per-category": { type: "string", default: "2500000" },
    write: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
/** With --only, just the throughput scenarios whose name contains it (for quick comparisons). */
const only = options.only;
const repetitions = Number(options.repetitions);
const distDirectory = resolve(options.dist);
const engineUrl = pathToFileURL(join(distDirectory, "core", "tokens", "bpe", "index.js")).href;
if (!existsSync(fileURLToPath(engineUrl))) {
  console.error(`${fileURLToPath(engineUrl)} is missing: run npm run build first`);
  process.exit(1);
}
const { createBpeTokenizer } = await import(engineUrl);

const ordinary = { disallowedSpecial: new Set() };
const cpuMicroseconds = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const utf8Bytes = (text) => Buffer.byteLength(text, "utf8");
/**
 * Reads a character from the middle of a decoded string: a string built by concatenation is a
 * rope until something reads it, and a caller always reads what it decoded.
 */
let consumed = 0;
const consume = (text) => {
  consumed += text.length === 0 ? 0 : text.charCodeAt(text.length >> 1);
};

// ---------------------------------------------------------------------------------------------
// Inputs

const corpus = gatherCorpus({ bytesPerCategory: Number(options["bytes-per-category"]) });
const documentsOf = (category) =>
  category === "overall"
    ? corpus.documents
    : corpus.documents.filter((document) => document.category === category);
const groups = [...corpusCategories, "overall"];

/** Seeded snippets of 20 to 200 UTF-16 code units that do not cut a surrogate pair. */
function snippetsOf(documents, count, seed) {
  let state = seed;
  const next = (bound) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  const snippets = [];
  const usable = documents.filter((document) => document.text.length > 220);
  while (snippets.length < count && usable.length > 0) {
    const { text } = usable[next(usable.length)];
    let start = next(text.length - 210);
    let end = start + 20 + next(181);
    if ((text.charCodeAt(start) & 0xfc00) === 0xdc00) start += 1;
    if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end += 1;
    snippets.push(text.slice(start, end));
  }
  return snippets;
}

// ---------------------------------------------------------------------------------------------
// Peers

const tiktokenO200k = get_encoding("o200k_base");
const textDecoder = new TextDecoder();
function peers(ours) {
  return {
    tokenwise: {
      count: (text) => ours.count(text),
      encode: (text) => ours.encode(text),
      decode: (tokens) => ours.decode(tokens),
    },
    "gpt-tokenizer": {
      count: (text) => gptO200k.countTokens(text, ordinary),
      encode: (text) => gptO200k.encode(text, ordinary),
      decode: (tokens) => gptO200k.decode(tokens),
    },
    tiktoken: {
      count: (text) => tiktokenO200k.encode_ordinary(text).length,
      encode: (text) => tiktokenO200k.encode_ordinary(text),
      decode: (tokens) => textDecoder.decode(tiktokenO200k.decode(Uint32Array.from(tokens))),
    },
  };
}
const peerNames = ["tokenwise", "gpt-tokenizer", "tiktoken"];
const rotate = (names, by) => names.map((_, index) => names[(index + by) % names.length]);

/**
 * Runs `work(peer, input)` over every input for every peer, interleaved per input in rotating
 * order, `repetitions` times after one warm-up. Returns per-peer median throughput (units per
 * CPU second) and per-peer median ratio of its time to tokenwise's.
 */
function measure({ inputs, units, work, freshState, repetitionsToRun = repetitions }) {
  const times = Object.fromEntries(peerNames.map((name) => [name, []]));
  for (let repetition = -1; repetition < repetitionsToRun; repetition += 1) {
    const state = freshState ? freshState(repetition) : { inputs, peers: peers(sharedOurs) };
    const spent = Object.fromEntries(peerNames.map((name) => [name, 0]));
    state.inputs.forEach((input, index) => {
      for (const name of rotate(peerNames, index + repetition + 1)) {
        const started = cpuMicroseconds();
        work(state.peers[name], input);
        spent[name] += cpuMicroseconds() - started;
      }
    });
    if (repetition < 0) continue;
    for (const name of peerNames) times[name].push(spent[name]);
  }
  const result = {};
  for (const name of peerNames) {
    const unitsPerRepetition = typeof units === "function" ? units : () => units;
    result[name] = {
      throughput: median(
        times[name].map((time, index) => unitsPerRepetition(index) / (time / 1e6)),
      ),
      ratio: median(times[name].map((time, index) => time / times.tokenwise[index])),
    };
  }
  return result;
}

const sharedOurs = createBpeTokenizer("o200k_base");

// ---------------------------------------------------------------------------------------------
// Throughput scenarios

const report = { throughput: [], ready: [], memory: [], safety: [], exactness: [], churn: {} };
const row = (scenario, group, unit, result) =>
  report.throughput.push({ scenario, group, unit, result: result() });
const wanted = (scenario) => only === undefined || scenario.includes(only);

for (const group of groups) {
  const documents = documentsOf(group);
  const texts = documents.map((document) => document.text);
  const bytes = documents.reduce((sum, document) => sum + document.bytes, 0);
  console.error(`${group}: ${documents.length} files, ${(bytes / 1e6).toFixed(2)} MB`);

  if (wanted("count, whole files, warm")) {
    row("count, whole files, warm", group, "MB/s", () =>
      measure({
        inputs: texts,
        units: bytes / 1e6,
        work: (peer, text) => peer.count(text),
      }),
    );
  }

  const snippets = snippetsOf(documents, 20_000, 0x51_7e_a7);
  if (wanted("count, 20-200 char strings, warm")) {
    row("count, 20-200 char strings, warm", group, "k strings/s", () =>
      measure({
        inputs: [snippets],
        units: snippets.length / 1000,
        work: (peer, batch) => {
          for (const text of batch) peer.count(text);
        },
      }),
    );
  }

  // Unseen text: every repetition gets files no peer has counted before, and fresh caches.
  const slices = Array.from({ length: repetitions + 1 }, (_, index) =>
    texts.filter((_, position) => position % (repetitions + 1) === index),
  );
  const sliceBytes = slices.map((slice) => slice.reduce((sum, text) => sum + utf8Bytes(text), 0));
  if (wanted("count, unseen files, cold caches")) {
    row("count, unseen files, cold caches", group, "MB/s", () =>
      measure({
        inputs: [],
        units: (index) => sliceBytes[index + 1] / 1e6,
        work: (peer, text) => peer.count(text),
        freshState: (repetition) => {
          gptO200k.clearMergeCache();
          return { inputs: slices[repetition + 1], peers: peers(createBpeTokenizer("o200k_base")) };
        },
      }),
    );
  }
  const unseenSnippets = Array.from({ length: repetitions + 1 }, (_, index) =>
    snippetsOf(
      slices[index].map((text) => ({ text })),
      5_000,
      0x1234 + index,
    ),
  );
  if (wanted("count, unseen 20-200 char strings, cold caches")) {
    row("count, unseen 20-200 char strings, cold caches", group, "k strings/s", () =>
      measure({
        inputs: [],
        units: (index) => unseenSnippets[index + 1].length / 1000,
        work: (peer, batch) => {
          for (const text of batch) peer.count(text);
        },
        freshState: (repetition) => {
          gptO200k.clearMergeCache();
          return {
            inputs: [unseenSnippets[repetition + 1]],
            peers: peers(createBpeTokenizer("o200k_base")),
          };
        },
      }),
    );
  }

  if (wanted("encode, whole files, warm")) {
    row("encode, whole files, warm", group, "MB/s", () =>
      measure({
        inputs: texts,
        units: bytes / 1e6,
        work: (peer, text) => peer.encode(text),
      }),
    );
  }

  const tokenLists = texts.map((text) => Array.from(tiktokenO200k.encode_ordinary(text)));
  const tokenCount = tokenLists.reduce((sum, tokens) => sum + tokens.length, 0);
  if (wanted("decode, whole files")) {
    row("decode, whole files", group, "M tokens/s", () =>
      measure({
        inputs: tokenLists,
        units: tokenCount / 1e6,
        work: (peer, tokens) => consume(peer.decode(tokens)),
      }),
    );
  }
  const snippetTokens = snippets.map((text) => Array.from(tiktokenO200k.encode_ordinary(text)));
  if (wanted("decode, 20-200 char strings")) {
    row("decode, 20-200 char strings", group, "k strings/s", () =>
      measure({
        inputs: [snippetTokens],
        units: snippetTokens.length / 1000,
        work: (peer, batch) => {
          for (const tokens of batch) consume(peer.decode(tokens));
        },
      }),
    );
  }
}

{
  const gptCl100k = await import("gpt-tokenizer/encoding/cl100k_base");
  const tiktokenCl100k = get_encoding("cl100k_base");
  const oursCl100k = createBpeTokenizer("cl100k_base");
  const texts = corpus.documents.map((document) => document.text);
  const cl100kPeers = {
    tokenwise: { count: (text) => oursCl100k.count(text) },
    "gpt-tokenizer": { count: (text) => gptCl100k.countTokens(text, ordinary) },
    tiktoken: { count: (text) => tiktokenCl100k.encode_ordinary(text).length },
  };
  if (wanted("count, whole files, warm, cl100k_base")) {
    row("count, whole files, warm, cl100k_base", "overall", "MB/s", () =>
      measure({
        inputs: texts,
        units: corpus.totalBytes / 1e6,
        work: (peer, text) => peer.count(text),
        freshState: () => ({ inputs: texts, peers: cl100kPeers }),
      }),
    );
  }
  tiktokenCl100k.free();
}

if (only !== undefined) {
  for (const { scenario, group, unit, result } of report.throughput) {
    const ratios = ["gpt-tokenizer", "tiktoken"].map(
      (name) => `x ${name} ${result[name].ratio.toFixed(2)}`,
    );
    console.log(
      `${scenario} | ${group} | tokenwise ${result.tokenwise.throughput.toFixed(1)} ${unit} | ${ratios.join(" | ")}`,
    );
  }
  process.exit(0);
}

const exactness = spawnSync(
  process.execPath,
  [
    join(root, "bench", "tokenizer", "exactness.mjs"),
    "--dist",
    distDirectory,
    "--bytes-per-category",
    options["bytes-per-category"],
  ],
  { encoding: "utf8" },
);
report.exactness = exactness.stdout
  .trim()
  .split("\n")
  .filter((line) => line.startsWith("- "));
if (exactness.status !== 0)
  report.exactness.push(`- exactness run failed: ${exactness.stderr.trim()}`);

// ---------------------------------------------------------------------------------------------
// Ready time and memory, each in fresh processes

function childScript(kind, body) {
  const imports = {
    tokenwise: `const { createBpeTokenizer } = await import(${JSON.stringify(engineUrl)});
      const tokenizer = createBpeTokenizer("o200k_base"); const count = (text) => tokenizer.count(text);`,
    "gpt-tokenizer": `const gpt = await import("gpt-tokenizer/encoding/o200k_base");
      const options = { disallowedSpecial: new Set() }; const count = (text) => gpt.countTokens(text, options);`,
    tiktoken: `const { get_encoding } = await import("tiktoken");
      const encoding = get_encoding("o200k_base"); const count = (text) => encoding.encode_ordinary(text).length;`,
  }[kind];
  return body(imports);
}

function runChild(script, flags = []) {
  const result = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1));
}

const readyRuns = { tokenwise: [], "gpt-tokenizer": [], tiktoken: [] };
for (let run = 0; run < 9; run += 1) {
  for (const name of rotate(peerNames, run)) {
    readyRuns[name].push(
      runChild(
        childScript(
          name,
          (
            imports,
          ) => `const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
          const wallStart = performance.now(); const cpuStart = cpu();
          ${imports}
          const tokens = count("Ready to count within 50 ms of import?");
          console.log(JSON.stringify({ wall: performance.now() - wallStart, cpu: cpu() - cpuStart, tokens }));`,
        ),
      ),
    );
  }
}
for (const name of peerNames) {
  report.ready.push({
    name,
    wall: median(readyRuns[name].map((run) => run.wall)),
    cpu: median(readyRuns[name].map((run) => run.cpu)),
  });
}

const memoryRuns = { tokenwise: [], "gpt-tokenizer": [], tiktoken: [] };
for (let run = 0; run < 3; run += 1) {
  for (const name of rotate(peerNames, run)) {
    memoryRuns[name].push(
      runChild(
        childScript(
          name,
          (
            imports,
          ) => `const { gatherCorpus } = await import(${JSON.stringify(pathToFileURL(join(root, "test", "tokenizer-exactness", "corpus.mjs")).href)});
          const documents = gatherCorpus({ bytesPerCategory: 1_000_000 }).documents;
          const snapshot = () => { globalThis.gc(); globalThis.gc(); const m = process.memoryUsage(); return { js: m.heapUsed + m.external, rss: m.rss }; };
          const before = snapshot();
          ${imports}
          let total = 0; for (const { text } of documents) total += count(text);
          const after = snapshot();
          console.log(JSON.stringify({ js: (after.js - before.js) / 1e6, rss: (after.rss - before.rss) / 1e6, total }));`,
        ),
        ["--expose-gc"],
      ),
    );
  }
}
for (const name of peerNames) {
  report.memory.push({
    name,
    js: median(memoryRuns[name].map((run) => run.js)),
    rss: median(memoryRuns[name].map((run) => run.rss)),
  });
}

// ---------------------------------------------------------------------------------------------
// Safety: long pieces with no split point, and cache churn

function seededLetters(length, alphabet, seed) {
  let state = seed;
  let text = "";
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    text += alphabet[(state >>> 0) % alphabet.length];
  }
  return text;
}
const commonCjk =
  "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长";
/** Each input as an expression, so a new process can build the same text. */
const longWords = [
  {
    name: "50,000 random lowercase letters",
    recipe: `seededLetters(50_000, "abcdefghijklmnopqrstuvwxyz", 7)`,
  },
  {
    name: "50,000 random CJK characters",
    recipe: `seededLetters(50_000, [...${JSON.stringify(commonCjk)}], 11)`,
  },
  { name: "50,000 x 'a'", recipe: `"a".repeat(50_000)` },
].map((word) => ({
  ...word,
  text: new Function("seededLetters", `return ${word.recipe};`)(seededLetters),
}));
for (const { name, text, recipe } of longWords) {
  const result = { name };
  for (const [peer, count] of [
    ["gpt-tokenizer", (input) => gptO200k.countTokens(input, ordinary)],
    ["tiktoken", (input) => tiktokenO200k.encode_ordinary(input).length],
  ]) {
    gptO200k.clearMergeCache();
    const started = performance.now();
    result[`${peer} tokens`] = count(text);
    result[peer] = performance.now() - started;
  }
  // tokenwise is quick enough to time five times, each with a new tokenizer (empty caches).
  const times = [];
  for (let run = 0; run < 5; run += 1) {
    const fresh = createBpeTokenizer("o200k_base");
    const started = performance.now();
    result["tokenwise tokens"] = fresh.count(text);
    times.push(performance.now() - started);
  }
  result.tokenwise = median(times);
  // The worst case: the first call in a new process, before the JIT has compiled the merge.
  result["tokenwise new process"] = runChild(
    `const { createBpeTokenizer } = await import(${JSON.stringify(engineUrl)});
    const tokenizer = createBpeTokenizer("o200k_base");
    tokenizer.count("warm up the tables");
    ${seededLetters.toString()}
    const text = ${recipe};
    const started = performance.now();
    tokenizer.count(text);
    console.log(JSON.stringify(performance.now() - started));`,
  );
  report.safety.push(result);
}

const churnRuns = {};
for (const name of ["tokenwise", "gpt-tokenizer"]) {
  churnRuns[name] = runChild(
    childScript(
      name,
      (imports) => `${imports}
      const snapshot = () => { globalThis.gc(); globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
      ${seededLetters.toString()}
      count(seededLetters(200_000, "abcdefghijklmnopqrstuvwxyz ", 99));
      const before = snapshot();
      for (let round = 0; round < 20; round += 1) count(seededLetters(200_000, "abcdefghijklmnopqrstuvwxyz ", 100 + round));
      console.log(JSON.stringify({ growth: (snapshot() - before) / 1e6 }));`,
    ),
    ["--expose-gc"],
  );
}
report.churn = churnRuns;

const longText = documentsOf("english")
  .map((document) => document.text)
  .join("\n");
{
  const started = performance.now();
  const upTo = sharedOurs.countUpTo(longText, 1000);
  const upToMs = performance.now() - started;
  const countStarted = performance.now();
  const full = sharedOurs.count(longText);
  report.countUpTo = {
    upTo,
    upToMs,
    full,
    fullMs: performance.now() - countStarted,
    bytes: utf8Bytes(longText),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const format = (value, digits = 1) => (value >= 100 ? value.toFixed(0) : value.toFixed(digits));
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
const lines = [];
lines.push("## Tokenizer: tokenwise BPE engine vs gpt-tokenizer and tiktoken");
lines.push("");
lines.push(`- Date: ${new Date().toISOString()}; commit ${commit} (plus the working tree)`);
lines.push(
  `- Machine: ${cpus().length} cores (nproc), ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, shared with other jobs while measured`,
);
lines.push(
  `- Command: \`npm run build && node bench/tokenizer/run.mjs --repetitions ${repetitions} --bytes-per-category ${options["bytes-per-category"]}${options.write ? " --write" : ""}\``,
);
lines.push(
  `- Peers: gpt-tokenizer ${JSON.parse(readFileSync(join(root, "node_modules/gpt-tokenizer/package.json"), "utf8")).version} (JavaScript), tiktoken ${JSON.parse(readFileSync(join(root, "node_modules/tiktoken/package.json"), "utf8")).version} (WASM); js-tiktoken is not installed, so it is not measured. Encoding o200k_base; special-token text counted as ordinary text by all.`,
);
lines.push(
  `- Corpus: ${(corpus.totalBytes / 1e6).toFixed(1)} MB gathered at run time from this machine (${corpusCategories.map((category) => `${category} ${(corpus.bytesByCategory[category] / 1e6).toFixed(1)} MB`).join(", ")}); see test/tokenizer-exactness/corpus.mjs.`,
);
lines.push(
  `- Method: CPU time of the benchmark process; peers interleaved per input in rotating order; ${repetitions} repetitions after a warm-up; throughput and ratios are medians (ratio = peer time / tokenwise time, so above 1 means tokenwise is faster). "Unseen" repetitions use files and strings no peer has seen, a new tokenwise tokenizer and a cleared gpt-tokenizer merge cache. Decoded strings are read once (a concatenated string is a rope until read).`,
);
lines.push("");
lines.push("Exactness against tiktoken on the whole corpus (bench/tokenizer/exactness.mjs):");
lines.push("");
for (const line of report.exactness) lines.push(line);
lines.push("");
lines.push(
  "| Scenario | Text | Unit | tokenwise | gpt-tokenizer | tiktoken | × gpt-tokenizer | × tiktoken |",
);
lines.push("|---|---|---|---:|---:|---:|---:|---:|");
for (const { scenario, group, unit, result } of report.throughput) {
  lines.push(
    `| ${scenario} | ${group} | ${unit} | ${format(result.tokenwise.throughput)} | ${format(result["gpt-tokenizer"].throughput)} | ${format(result.tiktoken.throughput)} | ${result["gpt-tokenizer"].ratio.toFixed(2)} | ${result.tiktoken.ratio.toFixed(2)} |`,
  );
}
lines.push("");
lines.push(
  "Ready to count (fresh process: import, create, first count of a short string; median of 9):",
);
lines.push("");
lines.push("| Library | Wall ms | CPU ms |");
lines.push("|---|---:|---:|");
for (const { name, wall, cpu } of report.ready)
  lines.push(`| ${name} | ${format(wall)} | ${format(cpu)} |`);
lines.push("");
lines.push("Memory after counting 4 MB of the corpus (fresh process, after GC; median of 3):");
lines.push("");
lines.push("| Library | JS heap + external MB | RSS growth MB |");
lines.push("|---|---:|---:|");
for (const { name, js, rss } of report.memory)
  lines.push(`| ${name} | ${format(js)} | ${format(rss)} |`);
lines.push("");
lines.push(
  "Long pieces with no split point (wall ms; tokenwise: median of 5 calls, each with a new tokenizer, and the first call in a new process; peers: one call; token counts agree):",
);
lines.push("");
lines.push("| Input | tokenwise | tokenwise, new process | gpt-tokenizer | tiktoken | tokens |");
lines.push("|---|---:|---:|---:|---:|---:|");
for (const result of report.safety) {
  lines.push(
    `| ${result.name} | ${format(result.tokenwise)} | ${format(result["tokenwise new process"])} | ${format(result["gpt-tokenizer"])} | ${format(result.tiktoken)} | ${result["tokenwise tokens"]}${result["tokenwise tokens"] === result["tiktoken tokens"] && result["tokenwise tokens"] === result["gpt-tokenizer tokens"] ? "" : " (MISMATCH)"} |`,
  );
}
lines.push("");
lines.push(
  `Cache churn (about 600,000 distinct random words, 4 MB, after a warm-up of 200 KB): memory grew by ${report.churn.tokenwise.growth.toFixed(1)} MB for tokenwise (its caches stop growing at about 12 MB) and ${report.churn["gpt-tokenizer"].growth.toFixed(1)} MB for gpt-tokenizer (its merge cache holds up to 100,000 pieces).`,
);
lines.push(
  `countUpTo: ${format(report.countUpTo.upToMs, 2)} ms to pass a limit of 1,000 on ${(report.countUpTo.bytes / 1e6).toFixed(1)} MB of English (answered ${report.countUpTo.upTo}); counting all of it (${report.countUpTo.full} tokens) took ${format(report.countUpTo.fullMs)} ms.`,
);
const section = lines.join("\n");
console.log(section);

if (options.write) {
  const heading = "## Tokenizer: tokenwise BPE engine";
  console.error(`wrote ${writeBenchmarksSection({ root, heading, section })}`);
}
tiktokenO200k.free();
if (consumed < 0) console.error(consumed);
