#!/usr/bin/env node
/**
 * Calibrates hybrid search's fusion for the offline embedder. For every labelled question of
 * the calibration sets it takes the keyword and semantic rankings once (50 candidates each, as
 * `SearchIndex.search` does for top 10), then scores a grid of fusion settings on them:
 * reciprocal rank fusion (k, semantic weight) and score fusion with three normalisations
 * (best score, min-max, z-score; semantic weight). Prints recall@5 per setting and set, keyword
 * and semantic alone first, and marks settings that are never below keyword.
 *
 * Calibration sets: the "calibration" half of bench/search/man-queries.json over this machine's
 * man pages (see man-corpus.mjs) and the labelled fixture in test/search-eval. The "report"
 * half and the docs corpus are left for the benchmark (bench/search/run.mjs).
 *
 * Usage: npm run build && node bench/search/calibrate-fusion.mjs [--split calibration|report]
 */
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { passagesAt } from "./fixture-labels.mjs";
import { buildManCorpus } from "./man-corpus.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: { split: { type: "string", default: "calibration" } },
});
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { openSearchIndex, fuseByScore, reciprocalRankFusion } = await import(
  dist("apps/search/index.js")
);
const { createOfflineEmbedder } = await import(dist("adapters/embeddings/index.js"));

const work = join(tmpdir(), "tokenwise-bench-search");
mkdirSync(work, { recursive: true });
const embedder = createOfflineEmbedder({ dataDir: join(work, "glove") });
const CANDIDATES = 50;
const RECALL_AT = 5;

/** Keyword and semantic candidates for each question, with what counts as relevant. */
async function rankings(corpus, dataDir, questions) {
  const index = openSearchIndex({ dataDir });
  await index.index([corpus], { embedder });
  const out = [];
  for (const question of questions) {
    const get = async (mode) =>
      (await index.search(question.query, { mode, embedder, topK: CANDIDATES })).results.map(
        (hit) => ({ key: hit.chunkId, score: hit.score, found: question.relevantIn(hit) }),
      );
    out.push({ ...question, keyword: await get("keyword"), semantic: await get("semantic") });
  }
  index.close();
  return out;
}

const man = JSON.parse(readFileSync(join(root, "bench/search/man-queries.json"), "utf8")).queries;
const manCorpus = join(work, "man-corpus");
await buildManCorpus(manCorpus, { count: 600, labelledPages: man.flatMap((q) => q.pages) });
const manSet = await rankings(
  manCorpus,
  join(work, "man-index"),
  man
    .filter((question) => question.split === options.split)
    .map((question) => ({
      ...question,
      passages: 1,
      relevantIn: (hit) =>
        hit.paths.some((path) => question.pages.includes(basename(path, ".txt"))) ? [0] : [],
    })),
);
const fixture = JSON.parse(readFileSync(join(root, "test/search-eval/queries.json"), "utf8"));
const fixtureSet = await rankings(
  join(root, "test/search-eval/corpus"),
  join(work, "fixture-index"),
  fixture.queries.map((question) => ({
    ...question,
    passages: question.relevant.length,
    relevantIn: (hit) => passagesAt(question, hit),
  })),
);

function recall(set, rank) {
  let total = 0;
  for (const question of set) {
    const top = rank(question).slice(0, RECALL_AT);
    total += new Set(top.flatMap((entry) => entry.found)).size / question.passages;
  }
  return total / set.length;
}

const normalisations = {
  best: (list) => {
    const best = Math.max(0, ...list.map((entry) => entry.score));
    return list.map((entry) => ({
      ...entry,
      score: best > 0 ? Math.max(0, entry.score) / best : 0,
    }));
  },
  minmax: (list) => {
    const scores = list.map((entry) => entry.score);
    const low = Math.min(...scores);
    const span = Math.max(...scores) - low || 1;
    return list.map((entry) => ({ ...entry, score: (entry.score - low) / span }));
  },
  z: (list) => {
    const mean = list.reduce((sum, entry) => sum + entry.score, 0) / (list.length || 1);
    const sd =
      Math.sqrt(
        list.reduce((sum, entry) => sum + (entry.score - mean) ** 2, 0) / (list.length || 1),
      ) || 1;
    // Shifted so the last candidate scores 0 and absent items are below every candidate.
    const floor = list.length === 0 ? 0 : (list.at(-1).score - mean) / sd;
    return list.map((entry) => ({ ...entry, score: (entry.score - mean) / sd - floor }));
  },
};

function byKey(question) {
  return new Map([...question.keyword, ...question.semantic].map((entry) => [entry.key, entry]));
}

const settings = { keyword: (q) => q.keyword, semantic: (q) => q.semantic };
for (const k of [0, 5, 20, 60]) {
  for (const weight of [0.2, 0.3, 0.4, 0.5, 0.7, 1]) {
    settings[`rrf k=${k} w=${weight}`] = (q) => {
      const entries = byKey(q);
      return reciprocalRankFusion(
        [q.keyword.map((entry) => entry.key), q.semantic.map((entry) => entry.key)],
        { k, weights: [1, weight] },
      ).map((fused) => entries.get(fused.item));
    };
  }
}
for (const [name, normalise] of Object.entries(normalisations)) {
  for (const weight of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1]) {
    settings[`score ${name} w=${weight}`] = (q) => {
      const entries = byKey(q);
      const items = (list) =>
        normalise(list).map((entry) => ({ item: entry.key, score: entry.score }));
      return fuseByScore([
        { items: items(q.keyword), weight: 1 },
        { items: items(q.semantic), weight },
      ]).map((fused) => entries.get(fused.item));
    };
  }
}

const sets = { [`man ${options.split}`]: manSet, fixture: fixtureSet };
const keyword = Object.fromEntries(
  Object.entries(sets).map(([name, set]) => [name, recall(set, settings.keyword)]),
);
console.log(
  `recall@${RECALL_AT}  ${Object.keys(sets)
    .map((name) => name.padStart(16))
    .join("")}`,
);
for (const [name, rank] of Object.entries(settings)) {
  const values = Object.entries(sets).map(([set, questions]) => [set, recall(questions, rank)]);
  const safe = values.every(([set, value]) => value >= keyword[set] - 1e-9);
  console.log(
    `${name.padEnd(24)}${values.map(([, value]) => value.toFixed(3).padStart(16)).join("")}${safe ? "  never below keyword" : ""}`,
  );
}
