/**
 * Quality on the man-page corpus: recall@5 (a labelled page in the top 5, through any path of a
 * folded copy) and MRR@10 per mode, on each split of bench/search/man-queries.json, plus the
 * earlier hybrid defaults for comparison: two-way score fusion (before the late-interaction
 * ranking) and equal-weight rank fusion (before score fusion).
 *
 * Run directly, it prints those rows for the corpus in the benchmark's work directory:
 * npm run build && nice -n 19 node bench/search/man-eval.mjs
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildManCorpus } from "./man-corpus.mjs";

export const MAN_QUESTIONS = JSON.parse(
  readFileSync(new URL("./man-queries.json", import.meta.url), "utf8"),
).queries;

/** Renders the 600-page corpus into `directory` (reused across runs); returns its path. */
export async function manCorpus(directory) {
  await buildManCorpus(directory, {
    count: 600,
    labelledPages: MAN_QUESTIONS.flatMap((question) => question.pages),
  });
  return directory;
}

const VARIANTS = [
  ["keyword", { mode: "keyword" }],
  ["semantic", { mode: "semantic" }],
  ["hybrid (default)", { mode: "hybrid" }],
  [
    "hybrid, two-way score fusion (before late interaction)",
    { mode: "hybrid", weights: { lateInteraction: 0 } },
  ],
  ["hybrid, equal-weight RRF (old default)", { mode: "hybrid", fusion: "rrf" }],
];

/** Rows of { split, variant, recall, mrr } for an index of the corpus. */
export async function evaluateManPages(index, embedder) {
  const rows = [];
  for (const split of ["calibration", "report"]) {
    const questions = MAN_QUESTIONS.filter((question) => question.split === split);
    for (const [variant, options] of VARIANTS) {
      let found = 0;
      let reciprocal = 0;
      for (const question of questions) {
        const { results } = await index.search(question.query, { ...options, embedder, topK: 10 });
        const first = results.findIndex((hit) =>
          hit.paths.some((path) => question.pages.includes(basename(path, ".txt"))),
        );
        if (first !== -1 && first < 5) found++;
        if (first !== -1) reciprocal += 1 / (first + 1);
      }
      rows.push({
        split,
        questions: questions.length,
        variant,
        recall: found / questions.length,
        mrr: reciprocal / questions.length,
      });
    }
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
  const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
  const { openSearchIndex } = await import(dist("apps/search/index.js"));
  const { createOfflineEmbedder } = await import(dist("adapters/embeddings/index.js"));
  const work = join(tmpdir(), "tokenwise-bench-search");
  const embedder = createOfflineEmbedder({ dataDir: join(work, "glove") });
  const directory = await manCorpus(join(work, "man-corpus"));
  const index = openSearchIndex({ dataDir: join(work, "man-index") });
  await index.index([directory], { embedder });
  const { files, chunks } = index.counts();
  console.log(`${files} man pages, ${chunks} chunks`);
  for (const row of await evaluateManPages(index, embedder)) {
    console.log(
      `${row.split.padEnd(12)} ${row.variant.padEnd(56)} recall@5 ${row.recall.toFixed(2)}  MRR@10 ${row.mrr.toFixed(3)}`,
    );
  }
  index.close();
}
