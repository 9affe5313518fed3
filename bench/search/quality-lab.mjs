#!/usr/bin/env node
/**
 * Quality lab: the three labelled corpora (man pages, the licence/README fixture, the docs
 * corpus) indexed once, then keyword, semantic and fused rankings recomputed in memory for
 * ranking variants, without rebuilding any index. For exploring ideas, not for the figures in
 * BENCHMARKS.md (bench/search/run.mjs measures those through the real SearchIndex).
 *
 * Usage: npm run build && node bench/search/quality-lab.mjs [--sets man-calibration,fixture]
 */
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { passagesAt } from "./fixture-labels.mjs";
import { buildManCorpus } from "./man-corpus.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: { sets: { type: "string", default: "man-calibration,fixture" } },
});
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { openSearchIndex, toFtsQuery } = await import(dist("apps/search/index.js"));
const { createOfflineEmbedder } = await import(dist("adapters/embeddings/index.js"));

const work = join(tmpdir(), "tokenwise-bench-search");
mkdirSync(work, { recursive: true });
const embedder = createOfflineEmbedder({ dataDir: join(work, "glove") });

/** Chunks of an index (copies folded by content hash) with their vectors. */
async function loadCorpus(corpusDir, dataDir) {
  const index = openSearchIndex({ dataDir });
  await index.index([corpusDir], { embedder });
  const db = index.database;
  const rows = db
    .prepare(
      `SELECT c.id, c.content_hash AS hash, c.ordinal, c.start_line AS startLine, c.end_line AS endLine,
              c.text, f.path FROM search_chunks c JOIN search_files f ON f.id = c.file_id ORDER BY c.id`,
    )
    .all();
  const vectors = new Map(
    db
      .prepare("SELECT content_hash AS hash, vector FROM search_vectors")
      .all()
      .map((row) => [row.hash, new Float32Array(new Uint8Array(row.vector).buffer)]),
  );
  index.close();
  const byHash = new Map();
  const units = [];
  for (const row of rows) {
    let unit = byHash.get(row.hash);
    if (unit === undefined) {
      unit = { ...row, places: [], vector: vectors.get(row.hash) };
      byHash.set(row.hash, unit);
      units.push(unit);
    }
    unit.places.push({ path: row.path, startLine: row.startLine, endLine: row.endLine });
  }
  // File heads: the first chunk's first lines, for field experiments.
  const files = new Map();
  for (const row of rows) {
    if (!files.has(row.path)) files.set(row.path, { path: row.path, chunks: [] });
    files.get(row.path).chunks.push(row);
  }
  return { units, files };
}

const manQuestions = JSON.parse(
  readFileSync(join(root, "bench/search/man-queries.json"), "utf8"),
).queries;
const manDir = join(work, "man-corpus");
await buildManCorpus(manDir, { count: 600, labelledPages: manQuestions.flatMap((q) => q.pages) });

const setDefinitions = {
  "man-calibration": async () => manSet("calibration"),
  "man-report": async () => manSet("report"),
  fixture: async () => {
    const corpus = await loadCorpus(
      join(root, "test/search-eval/corpus"),
      join(work, "fixture-index"),
    );
    const queries = JSON.parse(
      readFileSync(join(root, "test/search-eval/queries.json"), "utf8"),
    ).queries;
    return {
      corpus,
      questions: queries.map((q) => ({
        id: q.id,
        query: q.query,
        passages: q.relevant.length,
        relevantIn: (unit) => [...new Set(unit.places.flatMap((place) => passagesAt(q, place)))],
      })),
    };
  },
  docs: async () => {
    const corpus = await loadCorpus(
      join(root, "test/search-eval/docs/corpus"),
      join(work, "docs-index"),
    );
    const queries = JSON.parse(
      readFileSync(join(root, "test/search-eval/docs/queries.json"), "utf8"),
    ).queries;
    return {
      corpus,
      questions: queries.map((q) => ({
        id: q.id,
        query: q.query,
        passages: 1,
        relevantIn: (unit) =>
          unit.places.some((place) => q.files.includes(basename(place.path))) ? [0] : [],
      })),
    };
  },
};

let manCorpusCache;
async function manSet(split) {
  manCorpusCache ??= await loadCorpus(manDir, join(work, "man-index"));
  return {
    corpus: manCorpusCache,
    questions: manQuestions
      .filter((q) => q.split === split)
      .map((q) => ({
        id: q.id,
        query: q.query,
        passages: 1,
        relevantIn: (unit) =>
          unit.places.some((place) => q.pages.includes(basename(place.path, ".txt"))) ? [0] : [],
      })),
  };
}

export const sets = {};
for (const name of options.sets.split(",")) sets[name] = await setDefinitions[name]();

/** An in-memory FTS5 table over the units; `fields(unit)` gives each column's text. */
export function buildFts(corpus, fields, tokenize = "porter unicode61 remove_diacritics 2") {
  const db = new Database(":memory:");
  const columns = Object.keys(fields(corpus.units[0], corpus));
  db.exec(`CREATE VIRTUAL TABLE fts USING fts5(${columns.join(", ")}, tokenize = '${tokenize}')`);
  const insert = db.prepare(
    `INSERT INTO fts (rowid, ${columns.join(", ")}) VALUES (?, ${columns.map(() => "?").join(", ")})`,
  );
  // One row per chunk, copies included (as the real index holds them), mapped back to units.
  const unitOfRow = [];
  db.transaction(() => {
    corpus.units.forEach((unit, position) => {
      const values = fields(unit, corpus);
      for (const _place of unit.places) {
        insert.run(unitOfRow.length, ...columns.map((column) => values[column]));
        unitOfRow.push(position);
      }
    });
  })();
  return {
    columns,
    search(ftsQuery, limit, weights) {
      if (ftsQuery === undefined) return [];
      const rank = `bm25(fts${weights === undefined ? "" : `, ${weights.join(", ")}`})`;
      const seen = new Set();
      const out = [];
      for (const row of db
        .prepare(
          `SELECT rowid AS id, ${rank} AS rank FROM fts WHERE fts MATCH ? ORDER BY rank, rowid LIMIT ?`,
        )
        .all(ftsQuery, limit * 4)) {
        const unit = unitOfRow[row.id];
        if (seen.has(unit)) continue;
        seen.add(unit);
        out.push({ unit, score: -row.rank });
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}

/** Top `limit` units by dot product with `query` over unit vectors from `vectorOf`. */
export function semanticRanking(corpus, query, limit, vectorOf = (unit) => unit.vector) {
  const scored = [];
  corpus.units.forEach((unit, position) => {
    const vector = vectorOf(unit, position);
    let dot = 0;
    for (let i = 0; i < query.length; i++) dot += query[i] * vector[i];
    scored.push({ unit: position, score: dot });
  });
  scored.sort((a, b) => b.score - a.score || a.unit - b.unit);
  return scored.slice(0, limit);
}

/** recall@5 (share of passages found) and MRR@10 of rankings (arrays of unit positions). */
export function metrics(set, rankingOf) {
  let recall = 0;
  let reciprocal = 0;
  const misses = [];
  for (const question of set.questions) {
    const ranking = rankingOf(question);
    const found = new Set();
    let first;
    ranking.slice(0, 10).forEach((position, rank) => {
      const passages = question.relevantIn(set.corpus.units[position]);
      if (passages.length > 0 && first === undefined) first = rank + 1;
      if (rank < 5) for (const passage of passages) found.add(passage);
    });
    recall += found.size / question.passages;
    reciprocal += first === undefined ? 0 : 1 / first;
    if (found.size === 0) misses.push(question.id);
  }
  const n = set.questions.length;
  return { recall: recall / n, mrr: reciprocal / n, misses };
}

export { embedder, toFtsQuery };
