/**
 * Quality on the man-page corpus: recall@5 (a labelled page in the top 5, through any path of a
 * folded copy) and MRR@10 per mode, on each split of bench/search/man-queries.json, plus
 * equal-weight rank fusion (the hybrid default before score fusion) for comparison.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
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
