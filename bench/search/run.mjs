#!/usr/bin/env node
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
/**
 * Search benchmark: exact top-k over one flat Float32Array (what `tokenwise search` runs)
 * against sqlite-vec 0.1.9 (vec0 virtual table, exact brute-force KNN in C) and a naive
 * "cosine per row, then sort everything" loop, in one run on the same seeded random unit
 * vectors (1536 dimensions, 10K and 100K of them). Recall@10 is measured against a
 * double-precision brute force. Also times a semantic search through a real index file
 * (vectors loaded from SQLite on the first query), and, unless --skip-quality, runs the
 * labelled quality evaluations (test/search-eval: the licence/README fixture and the
 * package-documentation corpus) and the man-page eval (600 pages of this machine's
 * /usr/share/man, bench/search/man-queries.json) for recall@5 and MRR per mode. Unless
 * --skip-latency, it times `tokenwise search` in fresh processes and in --serve mode on an
 * index of about 6,000 man-page chunks.
 *
 * With valgrind installed it also counts the instructions of one fresh search
 * (start-instructions.mjs), against another build when --baseline names its checkout (built,
 * e.g. main before a change), and times the keyword part alone: FTS5's bm25() against the
 * postings kept in memory (keyword-index.ts).
 *
 * Usage: npm run build && node bench/search/run.mjs [--sizes 10000,100000] [--queries 50]
 *   [--skip-quality] [--skip-latency] [--baseline <checkout>] [--write]
 * With --write the results replace the "## Search" section of BENCHMARKS.md.
 */
import { writeBenchmarksSection } from "../benchmarks-file.mjs";
import { buildLatencyIndex, measureFreshProcesses, measureServe } from "./cli-latency.mjs";
import { evaluateManPages, MAN_QUESTIONS, manCorpus } from "./man-eval.mjs";
import { hasValgrind, measureStartInstructions, QUESTION } from "./start-instructions.mjs";
import { median, percentile } from "./stats.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    queries: { type: "string", default: "50" },
    dimensions: { type: "string", default: "1536" },
    "skip-quality": { type: "boolean", default: false },
    "skip-latency": { type: "boolean", default: false },
    baseline: { type: "string" },
    write: { type: "boolean", default: false },
  },
});
const sizes = options.sizes.split(",").map(Number);
const queryCount = Number(options.queries);
const dimensions = Number(options.dimensions);
const TOP_K = 10;

const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
if (!existsSync(join(root, "dist", "apps", "search", "index.js"))) {
  console.error("dist/apps/search/index.js is missing: run npm run build first");
  process.exit(1);
}
const { topKSimilar, cosineSimilarity } = await import(dist("core/vectors/index.js"));
const { openSearchIndex } = await import(dist("apps/search/index.js"));
const { createOfflineEmbedder, OFFLINE_VECTORS_FILE, openWordVectorsFile } = await import(
  dist("adapters/embeddings/index.js")
);
const { IndexDatabase } = await import(dist("apps/search/index-database.js"));
const { KeywordIndex } = await import(dist("apps/search/keyword-index.js"));
const { toFtsPhrases, toFtsQuery } = await import(dist("apps/search/fts-query.js"));
const { openSqliteConnection } = await import(dist("adapters/stores/sqlite-database.js"));

/** mulberry32: a small seeded generator, so every run measures the same vectors. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unitVectors(count, seed) {
  const random = seededRandom(seed);
  const data = new Float32Array(count * dimensions);
  for (let row = 0; row < count; row++) {
    let sumOfSquares = 0;
    const offset = row * dimensions;
    for (let i = 0; i < dimensions; i++) {
      const value = random() * 2 - 1;
      data[offset + i] = value;
      sumOfSquares += value * value;
    }
    const length = Math.sqrt(sumOfSquares);
    for (let i = 0; i < dimensions; i++) data[offset + i] /= length;
  }
  return data;
}

/** Queries near stored vectors, so the true neighbours are clear and not ties of noise. */
function queriesNear(data, count, seed) {
  const random = seededRandom(seed);
  const rows = data.length / dimensions;
  return Array.from({ length: count }, () => {
    const source = Math.floor(random() * rows) * dimensions;
    const query = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) query[i] = data[source + i] + (random() * 2 - 1) * 0.03;
    return query;
  });
}

function exactTopK(data, query) {
  const rows = data.length / dimensions;
  const scores = new Float64Array(rows);
  let queryNorm = 0;
  for (let i = 0; i < dimensions; i++) queryNorm += query[i] * query[i];
  queryNorm = Math.sqrt(queryNorm);
  for (let row = 0; row < rows; row++) {
    let dotProduct = 0;
    const offset = row * dimensions;
    for (let i = 0; i < dimensions; i++) dotProduct += query[i] * data[offset + i];
    scores[row] = dotProduct / queryNorm;
  }
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, TOP_K);
}

const cpuMilliseconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * Runs each search of `searches` for every query after 3 warm-up queries, interleaved (query 1
 * by A then B, query 2 by B then A, ...), so that the machine's load, which other work changes
 * from second to second, falls on every method alike. Returns, per method: wall-clock
 * latencies, CPU time per query (steadier than wall time on a shared machine; every method here
 * runs synchronously on this thread, sqlite-vec included), recall@10, and minor page faults and
 * involuntary context switches per query (what can make wall time exceed CPU time: first
 * touches of memory, or the scheduler giving the core to other work).
 */
async function measureInterleaved(queries, truth, searches) {
  const names = Object.keys(searches);
  for (const query of queries.slice(0, 3)) for (const name of names) await searches[name](query);
  const stats = Object.fromEntries(
    names.map((name) => [name, { latencies: [], cpuTimes: [], found: 0, faults: 0, preempted: 0 }]),
  );
  for (const [index, query] of queries.entries()) {
    const expected = new Set(truth[index]);
    const order = index % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const entry = stats[name];
      const usage = process.resourceUsage();
      const started = performance.now();
      const cpuStarted = cpuMilliseconds();
      const ids = await searches[name](query);
      entry.cpuTimes.push(cpuMilliseconds() - cpuStarted);
      entry.latencies.push(performance.now() - started);
      const after = process.resourceUsage();
      entry.faults += after.minorPageFault - usage.minorPageFault;
      entry.preempted += after.involuntaryContextSwitches - usage.involuntaryContextSwitches;
      entry.found += ids.filter((id) => expected.has(id)).length;
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const entry = stats[name];
      return [
        name,
        {
          median: median(entry.latencies),
          p95: percentile(entry.latencies, 0.95),
          cpuMedian: median(entry.cpuTimes),
          recall: entry.found / (queries.length * TOP_K),
          minorFaults: entry.faults / queries.length,
          preempted: entry.preempted / queries.length,
        },
      ];
    }),
  );
}

/** {@link measureInterleaved} for one search. */
async function measure(queries, truth, search) {
  return (await measureInterleaved(queries, truth, { only: search })).only;
}

const results = [];
const indexResults = [];
for (const size of sizes) {
  console.error(`== ${size} vectors x ${dimensions} dimensions`);
  const data = unitVectors(size, 42 + size);
  const queries = queriesNear(data, queryCount, 7 + size);
  const truth = queries.map((query) => exactTopK(data, query));

  const database = new Database(":memory:");
  sqliteVec.load(database);
  const vecVersion = database.prepare("SELECT vec_version() AS version").get().version;
  database.exec(`CREATE VIRTUAL TABLE vectors USING vec0(embedding float[${dimensions}])`);
  const insert = database.prepare("INSERT INTO vectors (rowid, embedding) VALUES (?, ?)");
  const buildStarted = performance.now();
  database.transaction(() => {
    for (let row = 0; row < size; row++) {
      insert.run(BigInt(row), Buffer.from(data.buffer, row * dimensions * 4, dimensions * 4));
    }
  })();
  const buildMs = performance.now() - buildStarted;
  const knn = database.prepare(
    `SELECT rowid, distance FROM vectors WHERE embedding MATCH ? AND k = ${TOP_K} ORDER BY distance`,
  );
  const { ours, peer } = await measureInterleaved(queries, truth, {
    ours: (query) =>
      topKSimilar(query, { data, dimensions }, TOP_K, { normalized: true }).map(
        (match) => match.index,
      ),
    peer: (query) =>
      knn
        .all(Buffer.from(query.buffer, query.byteOffset, query.byteLength))
        .map((row) => Number(row.rowid)),
  });
  database.close();
  results.push({ size, name: "tokenwise topKSimilar (flat Float32Array, heap)", ...ours });
  console.error("tokenwise", ours);

  const rows = Array.from({ length: size }, (_, row) =>
    data.subarray(row * dimensions, (row + 1) * dimensions),
  );
  const naive = await measure(queries, truth, (query) =>
    rows
      .map((row, index) => ({ index, score: cosineSimilarity(query, row) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, TOP_K)
      .map((match) => match.index),
  );
  results.push({ size, name: "naive: cosineSimilarity per row + full sort", ...naive });
  console.error("naive", naive);
  results.push({
    size,
    name: `sqlite-vec ${vecVersion} vec0 exact KNN (L2 on unit vectors)`,
    ...peer,
    buildMs,
  });
  console.error("sqlite-vec", peer, { buildMs });

  indexResults.push({ size, ...(await measureIndex(data, queries, truth)) });
  console.error("index", indexResults.at(-1));
}

/** A semantic search through a real index file: cold (loads vectors from SQLite), then warm. */
async function measureIndex(data, queries, truth) {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-bench-index-"));
  try {
    const path = join(directory, "tokenwise.db");
    const rows = data.length / dimensions;
    let index = openSearchIndex({ path });
    const database = index.database;
    database.exec(`INSERT INTO search_meta (key, value) VALUES ('model', 'bench'), ('dimensions', '${dimensions}'),
      ('tokenizer', 'cl100k_base'), ('chunk_tokens', '256'), ('overlap_tokens', '32')`);
    database.exec(
      "INSERT INTO search_files (id, path, content_hash, chunking, size, indexed_at) VALUES (1, '/bench', 'x', 'x', 0, 0)",
    );
    const chunk = database.prepare(
      "INSERT INTO search_chunks (id, file_id, ordinal, start_char, end_char, start_line, end_line, tokens, text, content_hash) VALUES (?, 1, ?, 0, 1, 1, 1, 1, ?, ?)",
    );
    const vector = database.prepare(
      "INSERT INTO search_vectors (content_hash, vector) VALUES (?, ?)",
    );
    database.transaction(() => {
      for (let row = 0; row < rows; row++) {
        chunk.run(row + 1, row, `chunk ${row}`, `h${row}`);
        vector.run(`h${row}`, Buffer.from(data.buffer, row * dimensions * 4, dimensions * 4));
      }
    })();
    index.close();

    index = openSearchIndex({ path });
    let current;
    const embedder = { model: "bench", dimensions, embed: async () => [current] };
    const search = async (query) => {
      current = query;
      const { results: hits } = await index.search("q", {
        mode: "semantic",
        embedder,
        topK: TOP_K,
      });
      return hits.map((hit) => hit.chunkId - 1);
    };
    const coldStarted = performance.now();
    await search(queries[0]);
    const coldMs = performance.now() - coldStarted;
    const warm = await measure(queries, truth, search);
    index.close();
    return { coldMs, ...warm };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const work = join(tmpdir(), "tokenwise-bench-search");
mkdirSync(work, { recursive: true });
const gloveDir = join(work, "glove");
// A file converted by an older tokenwise lacks the stored SIF values (common-direction.ts), and
// every fresh query would compute them: convert it again.
try {
  if (
    openWordVectorsFile(join(gloveDir, OFFLINE_VECTORS_FILE))?.vectors.precomputed === undefined
  ) {
    rmSync(join(gloveDir, OFFLINE_VECTORS_FILE), { force: true });
  }
} catch {
  rmSync(join(gloveDir, OFFLINE_VECTORS_FILE), { force: true });
}
const embedder = createOfflineEmbedder({ dataDir: gloveDir });
const needsManPages = !options["skip-quality"] || !options["skip-latency"];
const manDir = needsManPages ? await manCorpus(join(work, "man-corpus")) : undefined;

let quality;
let manRows;
if (!options["skip-quality"]) {
  const output = execFileSync("npx", ["vitest", "run", "test/search-eval"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  quality = output
    .split("\n")
    .filter((line) => /^(search eval|docs eval|mode {2}|keyword |semantic |hybrid)/.test(line));
  const manIndexDir = join(work, "man-index");
  const index = openSearchIndex({ dataDir: manIndexDir });
  await index.index([manDir], { embedder });
  manRows = { counts: index.counts(), rows: await evaluateManPages(index, embedder) };
  index.close();
  console.error("man pages", manRows);
}

let latency;
if (!options["skip-latency"]) {
  latency = await measureLatency();
  console.error("latency", latency);
}

/** An index of the first man pages (sorted) that reach 6,000 chunks, queried by the CLI. */
async function measureLatency() {
  const cli = join(root, "dist", "faces", "cli", "main.js");
  const dataDir = await buildLatencyIndex({
    directory: join(work, "latency"),
    manDir,
    embedder,
    openSearchIndex,
    cli,
    vectorsPath: join(gloveDir, OFFLINE_VECTORS_FILE),
  });
  const index = openSearchIndex({ dataDir });
  const counts = index.counts();
  index.close();
  const questions = MAN_QUESTIONS.slice(0, 20).map((question) => question.query);
  const fresh = measureFreshProcesses({
    cli,
    dataDir,
    questions,
    mode: ["keyword", "hybrid"],
  });
  const serve = await measureServe({ cli, dataDir, questions, rounds: 5 });
  const keyword = measureKeywordPart(join(dataDir, "tokenwise.db"), questions);
  let instructions;
  if (hasValgrind()) {
    const baselineCli =
      options.baseline === undefined
        ? undefined
        : join(options.baseline, "dist", "faces", "cli", "main.js");
    instructions = measureStartInstructions({ cli, baselineCli, dataDir });
  }
  return { counts, fresh, serve, keyword, instructions };
}

/**
 * The keyword part of a resident search alone, CPU per query: FTS5's bm25() (the first query
 * of a process, and before this change every query) against the postings kept in memory, once
 * every question's words have been seen. Both give the same ranking (keyword-index.test.ts).
 */
function measureKeywordPart(path, questions) {
  const index = new IndexDatabase(openSqliteConnection({ path }).database);
  const memory = KeywordIndex.load(index.database);
  const rounds = 5;
  const time = (search) => {
    for (const question of questions) search(question);
    const times = [];
    for (let round = 0; round < rounds; round++) {
      for (const question of questions) {
        const started = cpuMilliseconds();
        search(question);
        times.push(cpuMilliseconds() - started);
      }
    }
    return { median: median(times), p95: percentile(times, 0.95) };
  };
  let identical = 0;
  for (const question of questions) {
    const fts = index.keywordMatches(toFtsQuery(question), 50);
    const resident = memory.matches(toFtsPhrases(question), 50);
    if (JSON.stringify(fts) === JSON.stringify(resident)) identical++;
  }
  const result = {
    fts5: time((question) => index.keywordMatches(toFtsQuery(question), 50)),
    memory: time((question) => memory.matches(toFtsPhrases(question), 50)),
    identical,
    questions: questions.length,
  };
  index.database.close();
  return result;
}

const format = (value, digits = 1) => value.toFixed(digits);
const lines = [
  "## Search",
  "",
  `Run ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores shared with other work, ${Math.round(totalmem() / 2 ** 30)} GB RAM), Node ${process.version}.`,
  "",
  `Command: \`npm run build && node bench/search/run.mjs --sizes ${options.sizes} --queries ${queryCount}${options["skip-quality"] ? " --skip-quality" : ""}${options["skip-latency"] ? " --skip-latency" : ""}${options.baseline === undefined ? "" : " --baseline <checkout of main before the change, built>"}${options.write ? " --write" : ""}\``,
  "",
  `Exact top-${TOP_K} over seeded random unit vectors of ${dimensions} dimensions; ${queryCount} queries near stored vectors, after 3 warm-up queries; one thread. tokenwise and sqlite-vec answer each query in turn (alternating which goes first), so both meet the same load; the naive loop runs after them. Recall@${TOP_K} is against a double-precision brute force.`,
  "",
  "| Vectors | Method | Median ms | p95 ms | Median CPU ms | Recall@10 | Build ms | Page faults / query | Preempted / query |",
  "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
  ...results.map(
    (result) =>
      `| ${result.size.toLocaleString("en-US")} | ${result.name} | ${format(result.median)} | ${format(result.p95)} | ${format(result.cpuMedian)} | ${result.recall.toFixed(3)} | ${result.buildMs === undefined ? "" : format(result.buildMs, 0)} | ${format(result.minorFaults, 0)} | ${format(result.preempted, 0)} |`,
  ),
  "",
  ...sizes.map((size) => {
    const ours = results.find(
      (result) => result.size === size && result.name.startsWith("tokenwise"),
    );
    const peer = results.find(
      (result) => result.size === size && result.name.startsWith("sqlite-vec"),
    );
    const naive = results.find((result) => result.size === size && result.name.startsWith("naive"));
    return `- ${size.toLocaleString("en-US")} vectors: sqlite-vec / tokenwise = ${(peer.median / ours.median).toFixed(2)} (wall), ${(peer.cpuMedian / ours.cpuMedian).toFixed(2)} (CPU); naive / tokenwise = ${(naive.median / ours.median).toFixed(2)} (wall), ${(naive.cpuMedian / ours.cpuMedian).toFixed(2)} (CPU). Above 1 means tokenwise is faster.`;
  }),
  "",
  "Page faults are minor faults (first touch of memory) per query, preempted the involuntary context switches per query (the scheduler giving the core to other work): where wall time exceeds CPU time with no faults and no garbage collection (`--trace-gc` shows none during the queries), the difference is time spent waiting for the core.",
  "",
  "Semantic search through a tokenwise index file (SearchIndex.search, mode semantic): the first query loads every vector from SQLite into one Float32Array; later queries reuse it until the index changes.",
  "",
  "| Chunks | First query ms (load + search) | Warm median ms | Warm p95 ms | Warm median CPU ms | Recall@10 |",
  "|---:|---:|---:|---:|---:|---:|",
  ...indexResults.map(
    (result) =>
      `| ${result.size.toLocaleString("en-US")} | ${format(result.coldMs, 0)} | ${format(result.median)} | ${format(result.p95)} | ${format(result.cpuMedian)} | ${result.recall.toFixed(3)} |`,
  ),
];
if (latency !== undefined) {
  const { serve, keyword, instructions } = latency;
  lines.push(
    "",
    `Latency of \`tokenwise search\` on an index of ${latency.counts.chunks.toLocaleString("en-US")} chunks (${latency.counts.files} man pages, offline embedder), ${latency.fresh[0].runs} different questions each. Fresh process: one \`node dist/faces/cli/main.js search ...\` per question, timed from spawn to exit (wall) and by /usr/bin/time (CPU = user + system); the page cache is warm. Peers in the same run: a bare Node start and the whole program's start. Children run without NODE_EXTRA_CA_CERTS, which this machine sets and which makes every Node start parse those certificates (~420M instructions, 80% of a bare start) whatever the program.`,
    "",
    "| Command | Median wall ms | p95 wall ms | Median CPU ms |",
    "|---|---:|---:|---:|",
    ...latency.fresh.map(
      (row) =>
        `| ${row.name} | ${format(row.wallMedian, 0)} | ${format(row.wallP95, 0)} | ${format(row.cpuMedian, 0)} |`,
    ),
  );
  if (instructions !== undefined) {
    const bare = instructions[0].after;
    const millions = (count) => `${Math.round(count / 1e6).toLocaleString("en-US")}M`;
    const above = (count) => (count === undefined ? "" : millions(count - bare));
    lines.push(
      "",
      `Instructions executed by one fresh process (\`valgrind --tool=callgrind\`, all threads, median of 3; the load cannot move them), same index, question "${QUESTION}"${options.baseline === undefined ? "" : ", against the build in --baseline measured the same way (main before this change)"}:`,
      "",
      "| Command | Instructions, before | Instructions, after | Above bare Node, before | Above bare Node, after |",
      "|---|---:|---:|---:|---:|",
      ...instructions.map((row, position) =>
        position === 0
          ? `| ${row.name} | | ${millions(row.after)} | | |`
          : `| ${row.name} | ${row.before === undefined ? "" : millions(row.before)} | ${millions(row.after)} | ${above(row.before)} | ${above(row.after)}${row.before === undefined ? "" : ` (${(((row.after - row.before) / (row.before - bare)) * 100).toFixed(0)}%)`} |`,
      ),
    );
  }
  lines.push(
    "",
    `Resident: one \`tokenwise search --serve\` process, ${serve.queries} hybrid queries sent one at a time after the first (the 20 questions in 5 rounds, each with the round number appended); client = write to answer line read, server = the "ms" the answer reports, CPU = its "cpuMs" (the server's CPU time for the query). First query (loads vectors and word vectors): ${format(serve.first, 0)} ms. Client median ${format(serve.clientMedian)} ms, p95 ${format(serve.clientP95)} ms; server median ${format(serve.serverMedian)} ms, p95 ${format(serve.serverP95)} ms; CPU median ${format(serve.cpuMedian)} ms, p95 ${format(serve.cpuP95)} ms. After the first round (${serve.laterQueries} queries whose words were all seen before): server p95 ${format(serve.laterServerP95)} ms, CPU p95 ${format(serve.laterCpuP95)} ms.`,
    "",
    `The keyword part alone (top 50, CPU per query, the 20 questions x 5 rounds, in one process): FTS5's bm25(), which scores every chunk holding any query word through a callback per chunk, median ${format(keyword.fts5.median, 2)} ms, p95 ${format(keyword.fts5.p95, 2)} ms; postings in memory (what a SearchIndex uses from its second keyword search on), median ${format(keyword.memory.median, 2)} ms, p95 ${format(keyword.memory.p95, 2)} ms. Identical rankings and scores for ${keyword.identical} of ${keyword.questions} questions.`,
  );
}
if (quality !== undefined) {
  lines.push(
    "",
    'Quality (offline embedder; recall@5 and MRR@10). Held out from calibration: the man-page "report" half and the docs corpus. Used for calibrating the fusion (bench/search/calibrate-fusion.mjs): the man-page "calibration" half and the licence/README fixture.',
    "",
    `Man pages: ${manRows.counts.files} pages of this machine's /usr/share/man (section 1, rendered by man(1); ${manRows.counts.chunks.toLocaleString("en-US")} chunks), ${MAN_QUESTIONS.length} paraphrased questions in bench/search/man-queries.json labelled with the page(s) that answer them; a question counts when a labelled page is in the top 5.`,
    "",
    "| Split | Questions | Ranking | Recall@5 | MRR@10 |",
    "|---|---:|---|---:|---:|",
    ...manRows.rows.map(
      (row) =>
        `| ${row.split} | ${row.questions} | ${row.variant} | ${row.recall.toFixed(3)} | ${row.mrr.toFixed(3)} |`,
    ),
    "",
    'Labelled fixture and docs corpus (`npx vitest run test/search-eval`: 7 licence and README texts with 37 passage-labelled queries; 28 npm READMEs with 34 file-labelled questions; "hybrid rrf" is equal-weight reciprocal rank fusion, the old default):',
    "",
    "```",
    ...quality,
    "```",
  );
}
const section = lines.join("\n");
console.log(section);

if (options.write) {
  console.error(`wrote ${writeBenchmarksSection({ root, heading: "## Search\n", section })}`);
}
