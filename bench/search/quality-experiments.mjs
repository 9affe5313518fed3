#!/usr/bin/env node
/**
 * The ranking experiments behind the search section of README.md, over the corpora that
 * quality-lab.mjs indexes. EXP picks the experiment: sem (SIF smoothing and corpus principal
 * components), file (file-level score aggregation), ranks (per-question ranks), heads (vectors
 * of the file's opening), expand (GloVe-neighbour query expansion), qidf (corpus IDF on query
 * words), combo and mnz (title field with fusion variants), head (title field alone).
 * Tune on the calibration sets only (the default --sets); the report split and the docs corpus
 * are for checking the one setting chosen.
 *
 * Usage: npm run build && EXP=head node bench/search/quality-experiments.mjs [--sets man-calibration,fixture]
 */
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFts, metrics, semanticRanking, sets, toFtsQuery } from "./quality-lab.mjs";

const root = new URL("../..", import.meta.url).pathname;
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { readWordVectorsFile, sifWeightsByRank } = await import(
  dist("adapters/embeddings/index.js")
);
const { WordRowLookup } = await import(dist("adapters/embeddings/word-rows.js"));
const { fuseByScore } = await import(dist("apps/search/index.js"));

const wv = await readWordVectorsFile(
  join(tmpdir(), "tokenwise-bench-search/glove/offline-glove-100d.int8.bin"),
);
const D = wv.dimensions;
const lookup = new WordRowLookup(wv.vocabulary);

function makeEmbed({ a = 1e-4, common = "vocab" } = {}) {
  const weights = sifWeightsByRank({ words: wv.vocabulary.size, smoothing: a });
  let dir;
  if (common === "vocab") {
    dir = new Float64Array(D);
    for (let row = 0; row < 10000; row++) {
      const f = (weights[row] * wv.scales[row]) / (row + 1);
      for (let i = 0; i < D; i++) dir[i] += f * wv.values[row * D + i];
    }
    const n = Math.hypot(...dir);
    for (let i = 0; i < D; i++) dir[i] /= n;
  }
  return (text) => {
    const sum = new Float64Array(D);
    for (const row of lookup.rowsOf(text)) {
      const f = weights[row] * wv.scales[row];
      for (let i = 0; i < D; i++) sum[i] += f * wv.values[row * D + i];
    }
    if (dir !== undefined) {
      let p = 0;
      for (let i = 0; i < D; i++) p += sum[i] * dir[i];
      for (let i = 0; i < D; i++) sum[i] -= p * dir[i];
    }
    const n = Math.hypot(...sum);
    const out = new Float32Array(D);
    if (n > 0) for (let i = 0; i < D; i++) out[i] = sum[i] / n;
    return out;
  };
}

/** First principal components of rows: power iteration on Σ r rᵀ, orthogonal to the earlier ones. */
function principal(rows, count = 1) {
  const comps = [];
  for (let c = 0; c < count; c++) {
    let v = new Float64Array(D).fill(1 / Math.sqrt(D));
    for (let it = 0; it < 50; it++) {
      const next = new Float64Array(D);
      for (const r of rows) {
        let p = 0;
        for (let i = 0; i < D; i++) p += r[i] * v[i];
        for (let i = 0; i < D; i++) next[i] += p * r[i];
      }
      for (const u of comps) {
        let p = 0;
        for (let i = 0; i < D; i++) p += next[i] * u[i];
        for (let i = 0; i < D; i++) next[i] -= p * u[i];
      }
      const n = Math.hypot(...next);
      for (let i = 0; i < D; i++) next[i] /= n;
      v = next;
    }
    comps.push(v);
  }
  return comps;
}

function removeComponents(vec, comps) {
  const out = Float64Array.from(vec);
  for (const u of comps) {
    let p = 0;
    for (let i = 0; i < D; i++) p += out[i] * u[i];
    for (let i = 0; i < D; i++) out[i] -= p * u[i];
  }
  const n = Math.hypot(...out);
  const r = new Float32Array(D);
  if (n > 0) for (let i = 0; i < D; i++) r[i] = out[i] / n;
  return r;
}

const CAND = 50;
const bestFuse = (lists, weights) =>
  fuseByScore(
    lists.map((items, i) => ({
      items: items.map((e) => ({ item: e.unit, score: e.score })),
      weight: weights[i],
    })),
  ).map((f) => f.item);

let headerDone = false;
function report(name, perSet) {
  if (!headerDone) {
    console.log(
      "".padEnd(40) +
        Object.keys(perSet)
          .map((k) => k.padStart(16))
          .join(""),
    );
    headerDone = true;
  }
  console.log(
    name.padEnd(40) +
      Object.values(perSet)
        .map((m) => `${m.recall.toFixed(3)}/${m.mrr.toFixed(2)}`.padStart(16))
        .join(""),
  );
  if (process.env.MISSES)
    for (const [k, m] of Object.entries(perSet)) console.log("   ", k, m.misses.join(" "));
}

const _variants = {};
const _embedVariants = {
  base: makeEmbed(),
};
for (const [_setName, set] of Object.entries(sets)) {
  const fts = buildFts(set.corpus, (unit) => ({ text: unit.text }));
  for (const q of set.questions) {
    q.kw = fts.search(toFtsQuery(q.query), CAND);
  }
}

function runVariant(name, { embed, vectorOf, queryVec, kw, fuse }) {
  const res = {};
  for (const [setName, set] of Object.entries(sets)) {
    const vo = vectorOf?.(set);
    const rankKw = (q) => (kw ? kw(set, q) : q.kw);
    const rankSem = (q) => {
      const qv = queryVec ? queryVec(set, q) : embed(q.query);
      return semanticRanking(set.corpus, qv, CAND, vo);
    };
    res[`${setName} kw`] = metrics(set, (q) => rankKw(q).map((e) => e.unit));
    res[`${setName} sem`] = metrics(set, (q) => rankSem(q).map((e) => e.unit));
    res[`${setName} hyb`] = metrics(set, (q) =>
      (fuse ?? ((k, s) => bestFuse([k, s], [1, 1])))(rankKw(q), rankSem(q), set, q),
    );
  }
  report(name, res);
  return res;
}

const base = makeEmbed();
runVariant("stored vectors", { embed: base });
runVariant("recomputed base", {
  embed: base,
  vectorOf: (set) => {
    const cache = set.corpus.units.map((u) => base(u.text));
    return (_u, i) => cache[i];
  },
});

const EXP = process.env.EXP ?? "sem";
if (EXP === "sem") {
  for (const [cfgName, cfg] of Object.entries({
    "vocab-common a=1e-4": { a: 1e-4, common: "vocab" },
    "no-common a=1e-4": { a: 1e-4, common: "none" },
    "vocab-common a=3e-4": { a: 3e-4, common: "vocab" },
    "vocab-common a=3e-5": { a: 3e-5, common: "vocab" },
    "vocab-common a=1e-3": { a: 1e-3, common: "vocab" },
  })) {
    const embed = makeEmbed(cfg);
    for (const pcs of [0, 1, 2, 4]) {
      const perSet = new Map();
      const vectorOf = (set) => {
        const raw = set.corpus.units.map((u) => embed(u.text));
        const comps = pcs === 0 ? [] : principal(raw, pcs);
        perSet.set(set, comps);
        const cache = raw.map((v) => removeComponents(v, comps));
        return (_u, i) => cache[i];
      };
      runVariant(`${cfgName} corpusPC=${pcs}`, {
        vectorOf,
        queryVec: (set, q) => removeComponents(embed(q.query), perSet.get(set)),
      });
    }
  }
}

/** Adds file-level evidence to a chunk ranking: first-chunk score and max/mean of file's chunks. */
function withFileScores(set, ranking, { first = 0, max = 0, mean = 0, queryVec }) {
  const units = set.corpus.units;
  const fileOf = (u) => units[u].places[0].path;
  const byFile = new Map();
  for (const e of ranking) {
    const f = fileOf(e.unit);
    if (!byFile.has(f)) byFile.set(f, []);
    byFile.get(f).push(e.score);
  }
  const best = Math.max(...ranking.map((e) => e.score), 1e-9);
  let firstScore = () => 0;
  if (first > 0 && queryVec !== undefined) {
    set.firstUnit ??= new Map(
      units
        .map((u, i) => [u.places[0].path, i])
        .reverse()
        .filter(([, _i]) => true),
    );
    if (!set.firstOfFile) {
      set.firstOfFile = new Map();
      units.forEach((u, i) => {
        for (const p of u.places)
          if (u.ordinal === 0 && !set.firstOfFile.has(p.path)) set.firstOfFile.set(p.path, i);
      });
    }
    firstScore = (f) => {
      const i = set.firstOfFile.get(f);
      if (i === undefined) return 0;
      const v = units[i].vector;
      let d = 0;
      for (let k = 0; k < v.length; k++) d += v[k] * queryVec[k];
      return d;
    };
  }
  return ranking
    .map((e) => {
      const f = fileOf(e.unit);
      const scores = byFile.get(f);
      const m = Math.max(...scores) / best;
      const avg = scores.reduce((a, b) => a + b, 0) / scores.length / best;
      return { unit: e.unit, score: e.score / best + max * m + mean * avg + first * firstScore(f) };
    })
    .sort((a, b) => b.score - a.score || a.unit - b.unit);
}
if (EXP === "file") {
  for (const [nm, cfg] of Object.entries({
    "sem first=0.5": { sem: { first: 0.5 } },
    "sem first=1": { sem: { first: 1 } },
    "sem first=2": { sem: { first: 2 } },
    "sem max=0.5": { sem: { max: 0.5 } },
    "sem mean=0.5": { sem: { mean: 0.5 } },
    "kw max=0.5": { kw: { max: 0.5 } },
    "kw mean=0.5": { kw: { mean: 0.5 } },
    "kw max=0.5 sem first=1": { kw: { max: 0.5 }, sem: { first: 1 } },
  })) {
    runVariant(nm, {
      embed: base,
      kw: cfg.kw ? (set, q) => withFileScores(set, q.kw, cfg.kw) : undefined,
      fuse: (k, s, set, q) => {
        const qv = base(q.query);
        const s2 = cfg.sem ? withFileScores(set, s, { ...cfg.sem, queryVec: qv }) : s;
        return bestFuse([k, s2], [1, 1]);
      },
    });
  }
}
// ---- keyword: file head as a second field
const headOf = (corpus, path, chars) => {
  const file = corpus.files.get(path);
  const first = file.chunks[0].text.slice(0, chars);
  return `${basename(path)
    .replace(/\.[^.]*$/, "")
    .replace(/[-_.]/g, " ")} ${first}`;
};
if (EXP === "head")
  for (const [_setName, set] of Object.entries(sets)) {
    for (const chars of [200, 400]) {
      set[`ftsHead${chars}`] = buildFts(set.corpus, (unit) => ({
        text: unit.text,
        head: headOf(set.corpus, unit.places[0].path, chars),
      }));
      set[`ftsHeadFirst${chars}`] = buildFts(set.corpus, (unit) => ({
        text: unit.text,
        head: unit.ordinal === 0 ? headOf(set.corpus, unit.places[0].path, chars) : "",
      }));
    }
  }
if (EXP === "head")
  for (const chars of [200, 400])
    for (const kind of ["ftsHead", "ftsHeadFirst"])
      for (const w of [0.5, 1, 2, 4]) {
        runVariant(`${kind}${chars} w=${w}`, {
          embed: base,
          kw: (set, q) => set[`${kind}${chars}`].search(toFtsQuery(q.query), CAND, [1, w]),
        });
      }
if (EXP === "ranks") {
  for (const [setName, set] of Object.entries(sets)) {
    console.log(`== ${setName}`);
    for (const q of set.questions) {
      const sem = semanticRanking(set.corpus, base(q.query), 200);
      const hyb = bestFuse([q.kw, sem.slice(0, 50)], [1, 1]);
      const rankIn = (list) => {
        const r = list.findIndex(
          (u) => q.relevantIn(set.corpus.units[typeof u === "number" ? u : u.unit]).length > 0,
        );
        return r === -1 ? "-" : String(r + 1);
      };
      const top = (list) =>
        list
          .slice(0, 3)
          .map((e) => basename(set.corpus.units[e.unit ?? e].places[0].path).replace(/\.txt$/, ""))
          .join(",");
      console.log(
        `${q.id.padEnd(26)} kw ${rankIn(q.kw).padStart(3)} sem ${rankIn(sem).padStart(3)} hyb ${rankIn(hyb).padStart(3)}  kwtop ${top(q.kw).padEnd(40)} semtop ${top(sem)}`,
      );
    }
  }
}
if (EXP === "heads") {
  for (const chars of [120, 200, 300, 500]) {
    runVariant(`head-only sem ${chars}`, {
      embed: base,
      vectorOf: (set) => {
        const heads = new Map();
        for (const [path] of set.corpus.files)
          heads.set(path, base(headOf(set.corpus, path, chars)));
        return (u) => (u.ordinal === 0 ? heads.get(u.places[0].path) : new Float32Array(D));
      },
    });
    runVariant(`chunk+head sum ${chars}`, {
      embed: base,
      vectorOf: (set) => {
        const heads = new Map();
        for (const [path] of set.corpus.files)
          heads.set(path, base(headOf(set.corpus, path, chars)));
        const cache = set.corpus.units.map((u) => {
          const h = heads.get(u.places[0].path);
          return removeComponents(
            u.vector.map((x, i) => x + 0.7 * h[i]),
            [],
          );
        });
        return (_u, i) => cache[i];
      },
    });
  }
}
function neighbours(word, { top = 50000, k = 3, tau = 0.6 }) {
  const row = wv.vocabulary.rowOf(word.toLowerCase());
  if (row === -1) return [];
  const q = new Float64Array(D);
  let qn = 0;
  for (let i = 0; i < D; i++) {
    q[i] = wv.values[row * D + i];
    qn += q[i] * q[i];
  }
  qn = Math.sqrt(qn);
  const best = [];
  for (let r = 0; r < top; r++) {
    if (r === row) continue;
    let d = 0,
      n = 0;
    const o = r * D;
    for (let i = 0; i < D; i++) {
      const v = wv.values[o + i];
      d += q[i] * v;
      n += v * v;
    }
    const s = d / (qn * Math.sqrt(n) || 1);
    if (s > tau) best.push([s, r]);
  }
  best.sort((a, b) => b[0] - a[0]);
  return best.slice(0, k).map(([, r]) => wv.vocabulary.wordAt(r));
}
const STOP = new Set(
  "a about am an and are as at be been being but by can could did do does for from had has have how i if in into is it its me my no not of on or our should so such that the their then there these they this to was we were what when where which who whom why will with would you your".split(
    " ",
  ),
);
if (EXP === "expand") {
  for (const cfg of [
    { k: 2, tau: 0.7 },
    { k: 3, tau: 0.6 },
    { k: 5, tau: 0.6 },
    { k: 3, tau: 0.5 },
    { k: 5, tau: 0.7 },
  ]) {
    runVariant(`expand k=${cfg.k} tau=${cfg.tau}`, {
      embed: base,
      kw: (set, q) => {
        set.fts ??= buildFts(set.corpus, (unit) => ({ text: unit.text }));
        const words = q.query.match(/[\p{L}\p{N}]+/gu).filter((w) => !STOP.has(w.toLowerCase()));
        const extra = words.flatMap((w) => neighbours(w, cfg)).filter((w) => !STOP.has(w));
        const expanded = toFtsQuery(`${q.query} ${extra.join(" ")}`);
        if (process.env.SHOW) console.log(q.id, extra.join(" "));
        return set.fts.search(expanded, CAND);
      },
    });
  }
}
if (EXP === "qidf") {
  for (const gamma of [0.5, 1, 2]) {
    const weightsA = sifWeightsByRank({ words: wv.vocabulary.size, smoothing: 1e-4 });
    let dir = new Float64Array(D);
    for (let row = 0; row < 10000; row++) {
      const f = (weightsA[row] * wv.scales[row]) / (row + 1);
      for (let i = 0; i < D; i++) dir[i] += f * wv.values[row * D + i];
    }
    const dn = Math.hypot(...dir);
    dir = dir.map((x) => x / dn);
    runVariant(`query idf^${gamma}`, {
      queryVec: (set, q) => {
        if (!set.df) {
          set.df = new Map();
          for (const u of set.corpus.units)
            for (const r of new Set(lookup.rowsOf(u.text))) set.df.set(r, (set.df.get(r) ?? 0) + 1);
        }
        const N = set.corpus.units.length;
        const sum = new Float64Array(D);
        for (const row of lookup.rowsOf(q.query)) {
          const df = set.df.get(row) ?? 0;
          const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
          const f = weightsA[row] * wv.scales[row] * idf ** gamma;
          for (let i = 0; i < D; i++) sum[i] += f * wv.values[row * D + i];
        }
        let p = 0;
        for (let i = 0; i < D; i++) p += sum[i] * dir[i];
        for (let i = 0; i < D; i++) sum[i] -= p * dir[i];
        const n = Math.hypot(...sum) || 1;
        return Float32Array.from(sum, (x) => x / n);
      },
    });
  }
}
if (EXP === "combo") {
  for (const [_setName, set] of Object.entries(sets)) {
    for (const chars of [300, 400])
      set[`ftsHeadFirst${chars}`] = buildFts(set.corpus, (unit) => ({
        text: unit.text,
        head: unit.ordinal === 0 ? headOf(set.corpus, unit.places[0].path, chars) : "",
      }));
  }
  for (const chars of [300, 400])
    for (const kwW of [1, 2, 4])
      for (const semHead of [false, true])
        for (const sw of [0.5, 1]) {
          runVariant(`kwHF${chars} w=${kwW} semHead=${semHead} sw=${sw}`, {
            embed: base,
            kw: (set, q) => set[`ftsHeadFirst${chars}`].search(toFtsQuery(q.query), CAND, [1, kwW]),
            vectorOf: semHead
              ? (set) => {
                  const heads = new Map();
                  for (const [path] of set.corpus.files)
                    heads.set(path, base(headOf(set.corpus, path, chars)));
                  set.heads = heads;
                  return (u) => u.vector;
                }
              : undefined,
            queryVec: semHead ? (_set, q) => base(q.query) : undefined,
            fuse: (k, s, set, q) => {
              let sem = s;
              if (semHead) {
                const qv = base(q.query);
                const all = set.corpus.units
                  .map((u, i) => {
                    let d = 0;
                    for (let x = 0; x < D; x++) d += u.vector[x] * qv[x];
                    if (u.ordinal === 0) {
                      const h = set.heads.get(u.places[0].path);
                      let e = 0;
                      for (let x = 0; x < D; x++) e += h[x] * qv[x];
                      d = Math.max(d, e);
                    }
                    return { unit: i, score: d };
                  })
                  .sort((a, b) => b.score - a.score);
                sem = all.slice(0, CAND);
              }
              return bestFuse([k, sem], [1, sw]);
            },
          });
        }
}
if (EXP === "mnz") {
  for (const [_setName, set] of Object.entries(sets))
    set.hf = buildFts(set.corpus, (unit) => ({
      text: unit.text,
      head: unit.ordinal === 0 ? headOf(set.corpus, unit.places[0].path, 300) : "",
    }));
  const kw = (set, q) => set.hf.search(toFtsQuery(q.query), CAND, [1, 2]);
  runVariant("kwHF300 w=2 best", { embed: base, kw });
  for (const bonus of [0.1, 0.25, 0.5, 1]) {
    runVariant(`kwHF300 w=2 mnz bonus=${bonus}`, {
      embed: base,
      kw,
      fuse: (k, s) => {
        const fused = fuseByScore([
          { items: k.map((e) => ({ item: e.unit, score: e.score })), weight: 1 },
          { items: s.map((e) => ({ item: e.unit, score: e.score })), weight: 1 },
        ]);
        return fused
          .map((f) => ({
            item: f.item,
            score: f.score * (f.ranks.every((r) => r !== undefined) ? 1 + bonus : 1),
          }))
          .sort((a, b) => b.score - a.score)
          .map((f) => f.item);
      },
    });
  }
  for (const depth of [10, 20, 30]) {
    runVariant(`kwHF300 w=2 sem depth ${depth}`, {
      embed: base,
      kw,
      fuse: (k, s) => bestFuse([k, s.slice(0, depth)], [1, 1]),
    });
  }
}
