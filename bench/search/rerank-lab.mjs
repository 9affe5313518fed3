#!/usr/bin/env node
/**
 * Re-ranking experiments for hybrid search with the offline embedder (issue 16's untried ideas):
 * late interaction (each query word's best cosine against the chunk's words) alone, beside
 * keyword, or as a third ranking beside keyword and semantic (what ships, "3way both15 ws=1
 * wl=1 floor=0 best"); re-ranking only keyword's top N; pseudo-relevance feedback (Rocchio in
 * vector space, keyword query expansion with words of keyword's top chunks). The keyword and
 * semantic candidates come from the real SearchIndex (50 each, as hybrid top 10 uses); every
 * variant is recomputed in memory from them. RANKS=1 prints where each question's answer sits
 * in each ranking. README.md and BENCHMARKS.md ("Hybrid with a late-interaction ranking")
 * give the results.
 *
 * Tune on the calibration sets only (man-page "calibration" half and the licence/README
 * fixture, the default --sets); run the held-out sets (man-report, docs) only for the setting
 * chosen, and say so.
 *
 * Usage: npm run build && nice -n 19 node bench/search/rerank-lab.mjs [--sets man-calibration,fixture] [--only NAME,...]
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
  options: {
    sets: { type: "string", default: "man-calibration,fixture" },
    only: { type: "string" },
  },
});
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { openSearchIndex, fuseByScore } = await import(dist("apps/search/index.js"));
const { toFtsPhrases } = await import(dist("apps/search/fts-query.js"));
const { createOfflineEmbedder, readWordVectorsFile, sifWeightsByRank } = await import(
  dist("adapters/embeddings/index.js")
);
const { WordRowLookup } = await import(dist("adapters/embeddings/word-rows.js"));

const work = join(tmpdir(), "tokenwise-bench-search");
mkdirSync(work, { recursive: true });
const embedder = createOfflineEmbedder({ dataDir: join(work, "glove") });
const CANDIDATES = 50;

// Word vectors, unit length, as Float32 per row (on demand).
const wv = await readWordVectorsFile(join(work, "glove", "offline-glove-100d.int8.bin"));
const D = wv.dimensions;
const lookup = new WordRowLookup(wv.vocabulary);
const sif = sifWeightsByRank({ words: wv.vocabulary.size, smoothing: 1e-4 });
const unitRows = new Map();
function unitRow(row) {
  let vector = unitRows.get(row);
  if (vector === undefined) {
    vector = new Float32Array(D);
    let n = 0;
    for (let i = 0; i < D; i++) n += wv.values[row * D + i] ** 2;
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < D; i++) vector[i] = wv.values[row * D + i] / n;
    unitRows.set(row, vector);
  }
  return vector;
}
const chunkRows = new Map();
function rowsOfChunk(text) {
  let rows = chunkRows.get(text);
  if (rows === undefined) {
    rows = [...new Set(lookup.rowsOf(text))];
    chunkRows.set(text, rows);
  }
  return rows;
}
function queryWords(query) {
  // The words keyword search keeps (stop words out), as rows; a phrase gives each word.
  const rows = toFtsPhrases(query).flatMap((phrase) => lookup.rowsOf(phrase.text));
  return [...new Set(rows)];
}
const PRF = [];
for (const k of [3, 5])
  for (const floor of [0.5, 0.6, 0.7]) for (const m of [3, 6]) PRF.push({ k, floor, m });
const ROCCHIO = [];
for (const k of [1, 3, 5]) for (const beta of [0.3, 0.6, 1, 2]) ROCCHIO.push({ k, beta });

async function collect(corpus, dataDir, questions) {
  const index = openSearchIndex({ dataDir });
  await index.index([corpus], { embedder });
  const out = [];
  const entry = (question) => (hit) => ({
    key: hit.text,
    score: hit.score,
    text: hit.text,
    found: question.relevantIn(hit),
  });
  for (const question of questions) {
    const get = async (mode, query = question.query, using = embedder) =>
      (await index.search(query, { mode, embedder: using, topK: CANDIDATES })).results.map(
        entry(question),
      );
    const keyword = await get("keyword");
    const semantic = await get("semantic");
    // Rocchio feedback in vector space: the query's vector moved towards keyword's top k.
    const [queryVector] = await embedder.embed([question.query]);
    const rocchio = {};
    for (const { k, beta } of ROCCHIO) {
      const top = keyword.slice(0, k);
      if (top.length === 0) {
        rocchio[`${k}/${beta}`] = semantic;
        continue;
      }
      const vectors = await embedder.embed(top.map((hit) => hit.text));
      const moved = new Float32Array(queryVector.length);
      for (let i = 0; i < moved.length; i++) {
        let sum = 0;
        for (const v of vectors) sum += v[i];
        moved[i] = queryVector[i] + (beta * sum) / vectors.length;
      }
      const n = Math.hypot(...moved) || 1;
      for (let i = 0; i < moved.length; i++) moved[i] /= n;
      const fixed = {
        model: embedder.model,
        dimensions: embedder.dimensions,
        embed: async () => [moved],
      };
      rocchio[`${k}/${beta}`] = await get("semantic", question.query, fixed);
    }
    // Pseudo-relevance feedback for keyword: words of keyword's top k close to a query word.
    const expanded = {};
    const queryRows = queryWords(question.query);
    for (const { k, floor, m } of PRF) {
      const candidates = new Map();
      for (const hit of keyword.slice(0, k)) {
        for (const row of rowsOfChunk(hit.text)) {
          if (queryRows.includes(row) || candidates.has(row)) continue;
          const v = unitRow(row);
          let best = -1;
          for (const q of queryRows) {
            const u = unitRow(q);
            let dot = 0;
            for (let i = 0; i < D; i++) dot += u[i] * v[i];
            if (dot > best) best = dot;
          }
          if (best >= floor) candidates.set(row, best);
        }
      }
      const words = [...candidates]
        .sort((a, b) => b[1] - a[1])
        .slice(0, m)
        .map(([row]) => wv.vocabulary.wordAt(row))
        .filter((word) => toFtsPhrases(word).length > 0);
      expanded[`${k}/${floor}/${m}`] = {
        words,
        only: words.length === 0 ? [] : await get("keyword", words.join(" ")),
        joined:
          words.length === 0
            ? keyword
            : await get("keyword", `${question.query} ${words.join(" ")}`),
      };
    }
    out.push({ ...question, keyword, semantic, rocchio, expanded });
  }
  index.close();
  return out;
}

const man = JSON.parse(readFileSync(join(root, "bench/search/man-queries.json"), "utf8")).queries;
const manDir = join(work, "man-corpus");
const manPage = (question) => (hit) =>
  hit.paths.some((path) => question.pages.includes(basename(path, ".txt"))) ? [0] : [];
const definitions = {
  "man-calibration": async () => {
    await buildManCorpus(manDir, { count: 600, labelledPages: man.flatMap((q) => q.pages) });
    return collect(
      manDir,
      join(work, "man-index"),
      man
        .filter((q) => q.split === "calibration")
        .map((q) => ({ ...q, passages: 1, relevantIn: manPage(q) })),
    );
  },
  "man-report": async () => {
    await buildManCorpus(manDir, { count: 600, labelledPages: man.flatMap((q) => q.pages) });
    return collect(
      manDir,
      join(work, "man-index"),
      man
        .filter((q) => q.split === "report")
        .map((q) => ({ ...q, passages: 1, relevantIn: manPage(q) })),
    );
  },
  fixture: async () => {
    const fixture = JSON.parse(readFileSync(join(root, "test/search-eval/queries.json"), "utf8"));
    return collect(
      join(root, "test/search-eval/corpus"),
      join(work, "fixture-index"),
      fixture.queries.map((q) => ({
        ...q,
        passages: q.relevant.length,
        // As test/search-eval counts: the hit's own place, not its copies.
        relevantIn: (hit) => passagesAt(q, hit),
      })),
    );
  },
  docs: async () => {
    const docs = JSON.parse(readFileSync(join(root, "test/search-eval/docs/queries.json"), "utf8"));
    return collect(
      join(root, "test/search-eval/docs/corpus"),
      join(work, "docs-index"),
      docs.queries.map((q) => ({
        ...q,
        passages: 1,
        relevantIn: (hit) =>
          hit.paths.some((path) => q.files.includes(basename(path))) ? [0] : [],
      })),
    );
  },
};
const sets = {};
for (const name of options.sets.split(",")) sets[name] = await definitions[name]();

const cosCache = new Map();
function maxSim(qRow, text) {
  const key = `${qRow}|${text.length}|${text.slice(0, 40)}`;
  const value = cosCache.get(key);
  if (value !== undefined) return value;
  const q = unitRow(qRow);
  let best = -1;
  for (const row of rowsOfChunk(text)) {
    if (row === qRow) {
      best = 1;
      break;
    }
    const v = unitRow(row);
    let dot = 0;
    for (let i = 0; i < D; i++) dot += q[i] * v[i];
    if (dot > best) best = dot;
  }
  cosCache.set(key, best);
  return best;
}
/** Late-interaction score of `text` for `query`: weighted mean over query words of max cosine. */
function lateInteraction(query, text, { weighting = "sif", floor = 0 } = {}) {
  const rows = queryWords(query);
  let total = 0;
  let weights = 0;
  for (const row of rows) {
    const w = weighting === "sif" ? sif[row] : 1;
    const m = maxSim(row, text);
    total += w * Math.max(0, m - floor);
    weights += w;
  }
  return weights > 0 ? total / weights : 0;
}

function recall(set, rank, at = 5) {
  let total = 0;
  const misses = [];
  for (const question of set) {
    const top = rank(question).slice(0, at);
    const found = new Set(top.flatMap((entry) => entry.found)).size;
    total += found / question.passages;
    if (found === 0) misses.push(question.id);
  }
  return { recall: total / set.length, misses };
}

function normalise(list, how) {
  if (list.length === 0) return list;
  const scores = list.map((e) => e.score);
  if (how === "best") {
    const best = Math.max(0, ...scores);
    return list.map((e) => ({ ...e, score: best > 0 ? Math.max(0, e.score) / best : 0 }));
  }
  const low = Math.min(...scores);
  const span = Math.max(...scores) - low || 1;
  return list.map((e) => ({ ...e, score: (e.score - low) / span }));
}
const sortDesc = (list) => [...list].sort((a, b) => b.score - a.score);
function union(q) {
  const map = new Map();
  for (const e of [...q.keyword, ...q.semantic]) if (!map.has(e.key)) map.set(e.key, e);
  return map;
}
function baseline(q, w = 1) {
  const entries = union(q);
  return fuseByScore([
    { items: q.keyword.map((e) => ({ item: e.key, score: e.score })), weight: 1 },
    { items: q.semantic.map((e) => ({ item: e.key, score: e.score })), weight: w },
  ]).map((f) => entries.get(f.item));
}
const cosineCache = new Map();
async function cosineOf(query, texts) {
  const [qv] = await embedder.embed([query]);
  const missing = texts.filter((t) => !cosineCache.has(t));
  if (missing.length > 0) {
    const vs = await embedder.embed(missing);
    missing.forEach((t, i) => {
      cosineCache.set(t, vs[i]);
    });
  }
  return texts.map((t) => {
    const v = cosineCache.get(t);
    let dot = 0;
    for (let i = 0; i < D; i++) dot += qv[i] * v[i];
    return dot;
  });
}
// Precompute SIF cosine for every candidate (keyword ones lack it).
for (const set of Object.values(sets)) {
  for (const q of set) {
    const all = [...union(q).values()];
    const cos = await cosineOf(
      q.query,
      all.map((e) => e.text),
    );
    q.cos = new Map(all.map((e, i) => [e.key, cos[i]]));
  }
}

/** Keyword/best + w × normalised semantic part over a candidate pool. */
function combine(
  q,
  { pool = "union", n = 50, part = "li", w = 1, norm = "minmax", li = {}, kwNorm = "best" },
) {
  let candidates;
  if (pool === "union") candidates = [...union(q).values()];
  else candidates = q.keyword.slice(0, n);
  if (pool === "kw+sem") {
    const map = new Map();
    for (const e of [...q.keyword.slice(0, n), ...q.semantic.slice(0, n)])
      if (!map.has(e.key)) map.set(e.key, e);
    candidates = [...map.values()];
  }
  if (candidates.length === 0) return [];
  const kwScore = new Map(q.keyword.map((e) => [e.key, e.score]));
  const kw = normalise(
    candidates.map((e) => ({ key: e.key, score: kwScore.get(e.key) ?? 0 })),
    kwNorm,
  );
  const sem = normalise(
    candidates.map((e) => ({
      key: e.key,
      score: part === "li" ? lateInteraction(q.query, e.text, li) : q.cos.get(e.key),
    })),
    norm,
  );
  const scored = candidates.map((e, i) => ({ ...e, score: kw[i].score + w * sem[i].score }));
  const ranked = sortDesc(scored);
  if (pool === "kw") {
    // Keyword results beyond the pool follow in keyword order.
    const rest = q.keyword.slice(n);
    return [...ranked, ...rest];
  }
  return ranked;
}

const variants = {
  keyword: (q) => q.keyword,
  semantic: (q) => q.semantic,
  "two-way fusion (previous default)": (q) => baseline(q),
  "LI alone over union": (q) => combine(q, { w: 1000 }),
  "LI alone over union (uniform)": (q) => combine(q, { w: 1000, li: { weighting: "uniform" } }),
};
for (const norm of ["minmax", "best"]) {
  for (const weighting of ["sif", "uniform"]) {
    for (const w of [0.3, 0.5, 0.7, 1, 1.5]) {
      variants[`union kw+LI(${weighting}) ${norm} w=${w}`] = (q) =>
        combine(q, { w, norm, li: { weighting } });
    }
  }
}
for (const n of [10, 20, 30, 50]) {
  for (const part of ["li", "cos"]) {
    for (const w of [0.3, 0.5, 0.7, 1]) {
      variants[`kw top${n} rerank ${part} minmax w=${w}`] = (q) =>
        combine(q, { pool: "kw", n, part, w, norm: "minmax" });
    }
  }
}
for (const w of [0.3, 0.5, 0.7, 1, 1.5]) {
  variants[`union kw+cos minmax w=${w}`] = (q) => combine(q, { part: "cos", w, norm: "minmax" });
}

for (const floor of [0.4, 0.55, 0.7]) {
  for (const w of [0.3, 0.5, 1]) {
    variants[`union kw+LIfloor${floor} best w=${w}`] = (q) =>
      combine(q, { w, norm: "best", li: { floor } });
    variants[`union kw+LIfloor${floor} minmax w=${w}`] = (q) =>
      combine(q, { w, norm: "minmax", li: { floor } });
  }
  variants[`LIfloor${floor} alone`] = (q) => combine(q, { w: 1000, li: { floor } });
}
for (const w of [0.3, 0.5, 0.7, 1, 1.5]) {
  variants[`union kw+cos best w=${w}`] = (q) => combine(q, { part: "cos", w, norm: "best" });
}
/** Keyword + SIF cosine (as two-way fusion) + late interaction over a candidate pool, three-way. */
function threeWay(q, { ws, wl, floor, norm, pool = "union", n = 50 }) {
  const entries = union(q);
  let pooled = pool === "union" ? [...entries.values()] : q.keyword.slice(0, n);
  if (pool === "both") {
    const map = new Map();
    for (const e of [...q.keyword.slice(0, n), ...q.semantic.slice(0, n)]) {
      if (!map.has(e.key)) map.set(e.key, e);
    }
    pooled = [...map.values()];
  }
  const li = normalise(
    pooled.map((e) => ({ key: e.key, score: lateInteraction(q.query, e.text, { floor }) })),
    norm,
  );
  return fuseByScore([
    { items: q.keyword.map((e) => ({ item: e.key, score: e.score })), weight: 1 },
    { items: q.semantic.map((e) => ({ item: e.key, score: e.score })), weight: ws },
    { items: sortDesc(li).map((e) => ({ item: e.key, score: e.score })), weight: wl },
  ]).map((f) => entries.get(f.item));
}
for (const ws of [0.5, 1]) {
  for (const wl of [0.2, 0.3, 0.5, 0.7, 1]) {
    for (const floor of [0, 0.4, 0.55, 0.7]) {
      for (const norm of ["minmax", "best"]) {
        variants[`3way ws=${ws} wl=${wl} floor=${floor} ${norm}`] = (q) =>
          threeWay(q, { ws, wl, floor, norm });
        variants[`3way kw10 ws=${ws} wl=${wl} floor=${floor} ${norm}`] = (q) =>
          threeWay(q, { ws, wl, floor, norm, pool: "kw", n: 10 });
      }
    }
  }
}
for (const n of [10, 15, 20, 30, 40]) {
  for (const wl of [0.5, 1]) {
    variants[`3way both${n} ws=1 wl=${wl} floor=0 best`] = (q) =>
      threeWay(q, { ws: 1, wl, floor: 0, norm: "best", pool: "both", n });
  }
}
for (const { k, floor, m } of PRF) {
  const key = `${k}/${floor}/${m}`;
  variants[`prf ${key} joined kw alone`] = (q) => q.expanded[key].joined;
  variants[`prf ${key} joined + sem`] = (q) => baseline({ ...q, keyword: q.expanded[key].joined });
  for (const g of [0.3, 0.5]) {
    variants[`prf ${key} kw+sem+${g}*exp`] = (q) => {
      const entries = new Map([...union(q), ...q.expanded[key].only.map((e) => [e.key, e])]);
      return fuseByScore([
        { items: q.keyword.map((e) => ({ item: e.key, score: e.score })), weight: 1 },
        { items: q.semantic.map((e) => ({ item: e.key, score: e.score })), weight: 1 },
        { items: q.expanded[key].only.map((e) => ({ item: e.key, score: e.score })), weight: g },
      ]).map((f) => entries.get(f.item));
    };
  }
}
for (const { k, beta } of ROCCHIO) {
  for (const w of [0.5, 1]) {
    variants[`rocchio k=${k} b=${beta} alone`] = (q) => q.rocchio[`${k}/${beta}`];
    variants[`rocchio k=${k} b=${beta} fused w=${w}`] = (q) =>
      baseline({ ...q, semantic: q.rocchio[`${k}/${beta}`] }, w);
  }
}

const only = options.only?.split(",");
const names = Object.keys(sets);
const kwRecall = Object.fromEntries(
  names.map((s) => [s, recall(sets[s], variants.keyword).recall]),
);
console.log(`recall@5${names.map((s) => s.padStart(17)).join("")}`);
for (const [name, rank] of Object.entries(variants)) {
  if (
    only !== undefined &&
    !only.some((o) => name.includes(o)) &&
    !["keyword", "semantic", "two-way fusion (previous default)"].includes(name)
  )
    continue;
  const values = names.map((s) => recall(sets[s], rank));
  const safe = values.every((v, i) => v.recall >= kwRecall[names[i]] - 1e-9);
  console.log(
    `${name.padEnd(44)}${values.map((v) => v.recall.toFixed(3).padStart(17)).join("")}${safe ? "  >=kw" : ""}`,
  );
}

if (process.env.RANKS !== undefined) {
  // Where each question's first relevant candidate sits in each ranking (calibration sets only).
  for (const [name, set] of Object.entries(sets)) {
    for (const q of set) {
      const at = (list) => {
        const i = list.findIndex((e) => e.found.length > 0);
        return i === -1 ? "-" : String(i + 1);
      };
      console.log(
        `${name} ${q.id.padEnd(24)} kw ${at(q.keyword).padStart(3)} sem ${at(q.semantic).padStart(3)} hyb ${at(baseline(q)).padStart(3)}  ${q.query}`,
      );
    }
  }
}
