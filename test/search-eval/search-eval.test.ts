import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineEmbedder } from "../../src/adapters/embeddings/index.js";
import { findMostSimilar, openSearchIndex, type SearchIndex } from "../../src/apps/search/index.js";
import { cosineSimilarity } from "../../src/core/vectors/index.js";
import {
  CORPUS_DIR,
  evaluateMode,
  formatMetrics,
  loadQueries,
  type ModeMetrics,
} from "./evaluate-search.js";

/** Shared with other test runs: converting the word vectors takes seconds to a minute, once. */
const GLOVE_CACHE_DIR = join(tmpdir(), "tokenwise-test-glove");

describe("search quality on the labelled fixture", () => {
  const queries = loadQueries();
  const embedder = createOfflineEmbedder({ dataDir: GLOVE_CACHE_DIR });
  const dataDir = mkdtempSync(join(tmpdir(), "tokenwise-search-eval-"));
  let index: SearchIndex;
  const metrics: ModeMetrics[] = [];

  beforeAll(async () => {
    index = openSearchIndex({ dataDir });
    const report = await index.index([CORPUS_DIR], { embedder });
    expect(report.files.found).toBe(7);
    for (const mode of ["keyword", "semantic", "hybrid"] as const) {
      metrics.push(await evaluateMode(index, queries, { mode, embedder }));
    }
    // Informational: equal-weight reciprocal rank fusion, the hybrid default before score fusion.
    const rrf = await evaluateMode(index, queries, {
      mode: "hybrid",
      embedder,
      fusion: "rrf",
      weights: { semantic: 1 },
    });
    // Informational: two-way score fusion, the hybrid default before late interaction.
    const twoWay = await evaluateMode(index, queries, {
      mode: "hybrid",
      embedder,
      weights: { lateInteraction: 0 },
    });
    console.log(
      formatMetrics(
        `search eval: ${queries.length} queries, ${report.index.chunks} chunks (${report.settings.chunkTokens}-token chunks, ${report.settings.model})`,
        [...metrics, { ...twoWay, mode: "hybrid 2-way" }, { ...rrf, mode: "hybrid rrf" }],
      ),
    );
  }, 180_000);

  afterAll(() => {
    index?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const of = (mode: string) => metrics.find((entry) => entry.mode === mode) as ModeMetrics;

  it("labels between 20 and 40 queries, each with at least one passage", () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    expect(queries.length).toBeLessThanOrEqual(40);
    for (const query of queries) {
      expect(query.relevant.length).toBeGreaterThan(0);
      for (const passage of query.relevant) {
        const lines = readFileSync(join(CORPUS_DIR, passage.file), "utf8").split("\n").length;
        expect(passage.lines[0], query.id).toBeLessThanOrEqual(passage.lines[1]);
        expect(passage.lines[1], query.id).toBeLessThanOrEqual(lines);
      }
    }
  });

  it("scores every query in every mode", () => {
    for (const entry of metrics) expect(entry.perQuery).toHaveLength(queries.length);
  });

  it("puts related words close with the real GloVe vectors", async () => {
    const [cat, kitten, carburetor, flights, airfare] = await embedder.embed([
      "the cat sat on the mat",
      "a kitten slept on the rug",
      "the carburetor needs cleaning",
      "cheap flights",
      "affordable airfare",
    ]);
    expect(cosineSimilarity(cat as Float32Array, kitten as Float32Array)).toBeGreaterThan(0.55);
    expect(cosineSimilarity(cat as Float32Array, carburetor as Float32Array)).toBeLessThan(0.2);
    expect(cosineSimilarity(flights as Float32Array, airfare as Float32Array)).toBeGreaterThan(0.5);
  });

  it("ranks the tutorial's example as the tutorial does", async () => {
    const documents = [
      "Python is a programming language",
      "JavaScript runs in browsers",
      "Machine learning uses neural networks",
      "Snakes are reptiles that slither",
      "The stock market closed higher today",
    ];
    const ranked = await findMostSimilar("coding languages", documents, { embedder, topK: 5 });
    expect(ranked[0]?.index).toBe(0);
    expect(
      ranked
        .slice(3)
        .map((match) => match.index)
        .sort(),
    ).toEqual([3, 4]);
  });

  it("keeps each mode above the floor measured when the fixture was made", () => {
    expect(of("keyword").recall).toBeGreaterThanOrEqual(KEYWORD_RECALL_FLOOR);
    expect(of("keyword").mrr).toBeGreaterThanOrEqual(KEYWORD_MRR_FLOOR);
    expect(of("semantic").recall).toBeGreaterThanOrEqual(SEMANTIC_RECALL_FLOOR);
    expect(of("semantic").mrr).toBeGreaterThanOrEqual(SEMANTIC_MRR_FLOOR);
    expect(of("hybrid").recall).toBeGreaterThanOrEqual(HYBRID_RECALL_FLOOR);
    expect(of("hybrid").mrr).toBeGreaterThanOrEqual(HYBRID_MRR_FLOOR);
  });

  // Recall@5 is what the fusion was calibrated for; MRR is reported, not promised (0.816
  // against keyword's 0.833 when this was written).
  it("finds no fewer passages in the top 5 in hybrid mode than keyword alone", () => {
    expect(of("hybrid").recall).toBeGreaterThanOrEqual(of("keyword").recall);
  });
});

// Measured (keyword 0.959 / 0.833 with stop words left out of the FTS query, semantic
// 0.802 / 0.641; hybrid 0.883 / 0.804 with equal-weight RRF, 0.959 / 0.816 with best-score
// fusion, 0.986 / 0.817 with the late-interaction ranking added), minus a margin of about
// 0.08 so harmless changes pass and real breakage fails.
const KEYWORD_RECALL_FLOOR = 0.88;
const KEYWORD_MRR_FLOOR = 0.75;
const SEMANTIC_RECALL_FLOOR = 0.72;
const SEMANTIC_MRR_FLOOR = 0.55;
const HYBRID_RECALL_FLOOR = 0.88;
const HYBRID_MRR_FLOOR = 0.74;
