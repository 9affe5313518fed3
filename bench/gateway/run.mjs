// Gateway benchmark: the same mock upstream reached directly, through the tokenwise gateway
// (virtual key with key and team budgets, rate limiter, SQLite ledger, metrics, logs), through
// a plain node:http + undici proxy (the floor: forwarding and nothing else) and through
// Portkey's open-source gateway, in interleaved rounds, JSON and streaming, at concurrency 1
// and 50. Each server runs in its own process so its CPU time and RSS are its own.
//
//   npm run build && bash bench/gateway/install-peers.sh
//   node bench/gateway/run.mjs [--rounds 3] [--seconds 5] [--warmup 10] [--baseline DIR] [--write]
//
// --baseline DIR adds a second tokenwise target started from the build in DIR (another
// checkout, e.g. `git worktree add /tmp/gw-base main` built there), measured in the same rounds.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBenchmarksSection } from "../benchmarks-file.mjs";
import {
  chatBody,
  cpuSeconds,
  load as loadOnce,
  median,
  rssMb,
  start,
  startMockUpstream,
  startTokenwise,
} from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const portkeyEntry = join(
  here,
  ".peers",
  "node_modules",
  "@portkey-ai",
  "gateway",
  "build",
  "start-server.js",
);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const rounds = option("rounds", 3);
const warmup = option("warmup", 10);
const seconds = option("seconds", 5);
const write = args.includes("--write");
const baselineIndex = args.indexOf("--baseline");
const baseline = baselineIndex === -1 ? undefined : resolve(args[baselineIndex + 1]);
const load = (target, body, connections) => loadOnce(target, body, connections, seconds);

const dir = mkdtempSync(join(tmpdir(), "tokenwise-gateway-bench-"));
const children = [];
try {
  const mock = await startMockUpstream(root);
  children.push(mock.child);
  const upstream = mock.url;
  const tokenwise = await startTokenwise({ root, dir: join(dir, "tokenwise"), upstream });
  children.push(tokenwise.child);
  const plain = await start(
    join(here, "plain-proxy.mjs"),
    ["--upstream", upstream],
    {},
    /listening on (http:\/\/\S+)/,
  );
  children.push(plain.child);

  const targets = [
    {
      name: "direct",
      url: `${upstream}/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
      pid: undefined,
    },
    tokenwise,
  ];
  if (baseline !== undefined) {
    const base = await startTokenwise({
      root: baseline,
      dir: join(dir, "baseline"),
      upstream,
      name: "tokenwise baseline",
    });
    children.push(base.child);
    targets.push(base);
  }
  targets.push({
    name: "plain proxy",
    url: `${plain.match[1]}/v1/chat/completions`,
    headers: { "content-type": "application/json" },
    pid: plain.child.pid,
  });
  let portkeyVersion;
  if (existsSync(portkeyEntry)) {
    const port = 18_000 + Math.floor(Math.random() * 2000);
    const portkey = await start(
      portkeyEntry,
      [`--port=${port}`, "--headless"],
      {},
      /Ready for connections|running at/,
    );
    children.push(portkey.child);
    portkeyVersion = JSON.parse(
      readFileSync(join(dirname(portkeyEntry), "..", "package.json"), "utf8"),
    ).version;
    targets.push({
      name: `portkey ${portkeyVersion}`,
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-bench",
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": `${upstream}/v1`,
      },
      pid: portkey.child.pid,
    });
  } else {
    console.error("Portkey is not installed: run bash bench/gateway/install-peers.sh for the peer");
  }

  const request = chatBody;
  const cases = [];
  for (const mode of ["json", "stream"])
    for (const connections of [1, 50]) cases.push({ mode, connections });
  const samples = new Map();
  // Warm-up of every target in both modes: V8 compiles the hot paths in the first seconds,
  // a one-off of a long-running server, not a cost per request.
  for (const target of targets) {
    for (const stream of [false, true]) await loadOnce(target, request(stream), 50, warmup / 2);
  }
  for (let round = 0; round < rounds; round++) {
    for (const { mode, connections } of cases) {
      for (const target of targets) {
        const cpuBefore = target.pid === undefined ? 0 : cpuSeconds(target.pid);
        const result = await load(target, request(mode === "stream"), connections);
        const cpu = target.pid === undefined ? 0 : cpuSeconds(target.pid) - cpuBefore;
        const ok = result.requests.total - result.non2xx - result.errors;
        const key = `${mode}|${connections}|${target.name}`;
        const list = samples.get(key) ?? [];
        list.push({
          p50: result.latency.p50,
          p99: result.latency.p99,
          rps: ok / result.duration,
          failures: result.non2xx + result.errors + result.timeouts,
          cpuMsPerRequest: ok > 0 ? (cpu * 1000) / ok : Number.NaN,
          coresUsed: cpu / result.duration,
          rss: target.pid === undefined ? Number.NaN : rssMb(target.pid),
        });
        samples.set(key, list);
        process.stderr.write(
          `round ${round + 1} ${key}: p50 ${result.latency.p50} ms, ${Math.round(ok / result.duration)} req/s, ${result.non2xx + result.errors} failed\n`,
        );
      }
    }
  }

  const rows = [];
  const ratios = [];
  const goals = [];
  for (const { mode, connections } of cases) {
    const direct = samples.get(`${mode}|${connections}|direct`);
    const directP50 = median(direct.map((sample) => sample.p50));
    const directP99 = median(direct.map((sample) => sample.p99));
    const added = {};
    for (const target of targets) {
      const list = samples.get(`${mode}|${connections}|${target.name}`);
      const p50 = median(list.map((sample) => sample.p50));
      const p99 = median(list.map((sample) => sample.p99));
      const rps = median(list.map((sample) => sample.rps));
      const cores = median(list.map((sample) => sample.coresUsed));
      const failures = list.reduce((sum, sample) => sum + sample.failures, 0);
      added[target.name] = p50 - directP50;
      const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "");
      rows.push(
        `| ${mode} | ${connections} | ${target.name} | ${fmt(p50)} | ${fmt(p99)} | ${target.name === "direct" ? "" : fmt(p50 - directP50)} | ${target.name === "direct" ? "" : fmt(p99 - directP99)} | ${Math.round(rps)} | ${fmt(median(list.map((sample) => sample.cpuMsPerRequest)), 3)} | ${target.pid === undefined ? "" : Math.round(cores > 0 ? rps / cores : Number.NaN)} | ${fmt(Math.max(...list.map((sample) => sample.rss)), 0)} | ${failures} |`,
      );
    }
    const cpuMs = (name) =>
      median(samples.get(`${mode}|${connections}|${name}`).map((sample) => sample.cpuMsPerRequest));
    if (baseline !== undefined) {
      ratios.push(
        `- ${mode}, concurrency ${connections}: CPU per request, tokenwise / tokenwise baseline = ${(cpuMs("tokenwise") / cpuMs("tokenwise baseline")).toFixed(2)}.`,
      );
    }
    if (connections === 50) {
      const perCore = 1000 / cpuMs("tokenwise");
      goals.push(
        `- ${mode}, concurrency 50: ${Math.round(perCore)} req/s per core (${cpuMs("tokenwise").toFixed(3)} CPU ms per request; the plain proxy: ${Math.round(1000 / cpuMs("plain proxy"))}); goal 4,000: ${perCore >= 4000 ? "met" : "not met"}.`,
      );
    }
    const peer = targets.find((target) => target.name.startsWith("portkey"));
    const peerServed =
      peer !== undefined &&
      samples.get(`${mode}|${connections}|${peer.name}`).some((sample) => sample.rps > 0);
    if (peer !== undefined && !peerServed) {
      ratios.push(
        `- ${mode}, concurrency ${connections}: no ratio, ${peer.name} answered no request successfully.`,
      );
    } else if (peer !== undefined && added[peer.name] > 0) {
      ratios.push(
        `- ${mode}, concurrency ${connections}: tokenwise added p50 / Portkey added p50 = ${(added.tokenwise / added[peer.name]).toFixed(2)} (goal ≤ 0.20: ${added.tokenwise / added[peer.name] <= 0.2 ? "met" : "not met"}).`,
      );
    }
  }
  const machine = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores shared with other work), Node ${process.version}`;
  const section = [
    "## Gateway: tokenwise gateway vs direct and Portkey",
    "",
    `Run ${new Date().toISOString().slice(0, 10)} on ${machine}.`,
    "",
    `Command: \`npm run build && bash bench/gateway/install-peers.sh && node bench/gateway/run.mjs --rounds ${rounds} --seconds ${seconds} --warmup ${warmup}${baseline === undefined ? "" : " --baseline BASELINE"} --write\`${baseline === undefined ? "" : " (BASELINE: a built checkout of the code before this change)"}; load average (1, 5, 15 min) at the end: ${loadavg()
      .map((value) => value.toFixed(1))
      .join(", ")}.`,
    "",
    `One mock upstream process (\`tokenwise mock-upstream\`, no added latency); each gateway in its own process; the load in the benchmark process (at concurrency 1 a closed loop on undici timing each request to a fraction of a millisecond, at 50 autocannon, whose latencies are whole milliseconds); a warm-up of ${warmup} s per target (half JSON, half streams, at concurrency 50: V8 compiles the hot paths in the first seconds), then ${rounds} interleaved rounds of ${seconds} s per cell, medians shown. tokenwise runs with everything on: a virtual key with a daily key budget and a monthly team budget (both reserved and settled in the SQLite ledger per request), the SQLite rate limiter (rpm and tpm set), the response cache (the request samples at temperature 0.7, so it is not cached), Prometheus metrics and JSON logs. "plain proxy" is bench/gateway/plain-proxy.mjs, node:http and undici forwarding and nothing else: the floor of a Node gateway. Portkey ${portkeyVersion ?? "(not installed)"} routes with \`x-portkey-provider: openai\` and \`x-portkey-custom-host\`. Added latency is the gateway's p50/p99 minus direct's in the same round set. "req/s per core" is req/s divided by the gateway process's CPU cores in use. Failures are non-2xx answers and socket errors summed over rounds.`,
    "",
    "| Mode | Concurrency | Target | p50 ms | p99 ms | Added p50 ms | Added p99 ms | req/s | CPU ms / req | req/s per core | RSS MB | Failures |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    ...ratios,
    ...goals,
    "",
  ].join("\n");
  process.stdout.write(`${section}\n`);
  if (write) {
    writeBenchmarksSection({ root, heading: "## Gateway", section });
  }
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
  rmSync(dir, { recursive: true, force: true });
}
