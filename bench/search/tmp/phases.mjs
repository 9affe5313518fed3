const t = [["start", performance.now(), process.cpuUsage()]];
const mark = (name) => t.push([name, performance.now(), process.cpuUsage()]);
const root = "/work/wt/search/dist";
await import("/work/wt/search/node_modules/commander/index.js"); mark("commander");
const Database = (await import("/work/wt/search/node_modules/better-sqlite3/lib/index.js")).default; mark("better-sqlite3 js");
const search = await import(`${root}/apps/search/index.js`); mark("apps/search");
const emb = await import(`${root}/adapters/embeddings/index.js`); mark("embeddings");
const dataDir = "/tmp/tokenwise-bench-search/latency/data";
const index = search.openSearchIndex({ dataDir }); mark("open index");
index.settings(); mark("settings");
const e = emb.createOfflineEmbedder({ dataDir });
await e.load(); mark("embedder load");
const kw = await index.search(process.argv[2] ?? "which folders take up the most space on disk", { mode: "keyword" }); mark("keyword search");
const r = await index.search(process.argv[2] ?? "which folders take up the most space on disk", { embedder: e }); mark("hybrid search");
const r2 = await index.search("another query about files", { embedder: e }); mark("hybrid search 2");
for (let i = 1; i < t.length; i++) {
  const [n, w, c] = t[i]; const [, w0, c0] = t[i - 1];
  console.log(n.padEnd(20), (w - w0).toFixed(1).padStart(7), "ms wall", (((c.user - c0.user) + (c.system - c0.system)) / 1000).toFixed(1).padStart(7), "ms cpu");
}
console.log("since process start", performance.now().toFixed(0), "ms; cpu total", ((process.cpuUsage().user + process.cpuUsage().system) / 1000).toFixed(0));
