// Gateway benchmark: the same mock upstream reached directly, through the tokenwise gateway
// (virtual key with key and team budgets, rate limiter, SQLite ledger, metrics, logs) and
// through Portkey's open-source gateway, in interleaved rounds, JSON and streaming, at
// concurrency 1 and 50. Each server runs in its own process so its CPU time and RSS are its own.
//
//   npm run build && bash bench/gateway/install-peers.sh
//   node bench/gateway/run.mjs [--rounds 3] [--seconds 5] [--write]

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { writeBenchmarksSection } from "../benchmarks-file.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "dist", "faces", "cli", "main.js");
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
const seconds = option("seconds", 5);
const write = args.includes("--write");
const CLOCK_TICKS = 100;

function start(command, commandArgs, env, ready) {
  const child = spawn(process.execPath, [command, ...commandArgs], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} did not start: ${output}`)),
      30_000,
    );
    const onData = (chunk) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        // Stop collecting (the logs keep coming) but keep draining, so the server never
        // blocks on a full pipe and this process never re-scans a growing string.
        child.stdout.off("data", onData);
        child.stderr.off("data", onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, match });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${command} exited ${code}: ${output}`)));
  });
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((row) => row.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) / 1024;
}

function load(target, body, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        method: "POST",
        headers: target.headers,
        body,
        connections,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "tokenwise-gateway-bench-"));
const children = [];
try {
  const mock = await start(
    cli,
    ["mock-upstream", "--port", "0"],
    {},
    /listening on (http:\/\/\S+)/,
  );
  children.push(mock.child);
  const upstream = mock.match[1];

  const dataDir = join(dir, "data");
  const configPath = join(dir, "gateway.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      port: 0,
      dataDir,
      upstreams: {
        openai: { kind: "openai", baseUrl: `${upstream}/v1`, apiKeyEnv: "BENCH_OPENAI_KEY" },
      },
      models: { "gpt-4o-mini": { upstream: "openai" } },
    }),
  );
  const { createSqliteKeyRegistry } = await import(
    join(root, "dist", "apps", "gateway", "keys", "index.js")
  );
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dataDir, { recursive: true });
  const registry = createSqliteKeyRegistry({ path: join(dataDir, "tokenwise.db") });
  await registry.setTeam({
    name: "bench",
    budget: { limit: 10n ** 18n, period: "month", timeZone: "UTC" },
  });
  const { secret } = await registry.create({
    name: "bench",
    team: "bench",
    budget: { limit: 10n ** 18n, period: "day", timeZone: "UTC" },
    rpm: 1_000_000_000,
    tpm: 1_000_000_000_000,
  });
  await registry.close();
  const tokenwise = await start(
    cli,
    ["gateway", "--config", configPath],
    { BENCH_OPENAI_KEY: "sk-bench" },
    /listening on (http:\/\/\S+)/,
  );
  children.push(tokenwise.child);

  const targets = [
    {
      name: "direct",
      url: `${upstream}/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
      pid: undefined,
    },
    {
      name: "tokenwise",
      url: `${tokenwise.match[1]}/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      pid: tokenwise.child.pid,
    },
  ];
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

  const request = (stream) =>
    JSON.stringify({
      model: "gpt-4o-mini",
      temperature: 0.7,
      max_tokens: 64,
      messages: [{ role: "user", content: "Give me one short sentence about budgets." }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    });
  const cases = [];
  for (const mode of ["json", "stream"])
    for (const connections of [1, 50]) cases.push({ mode, connections });
  const samples = new Map();
  for (const target of targets) await load(target, request(false), 10); // warm-up
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
        `- ${mode}, concurrency ${connections}: tokenwise added p50 / Portkey added p50 = ${(added.tokenwise / added[peer.name]).toFixed(2)} (goal ≤ 0.20).`,
      );
    }
  }
  const machine = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores shared with other work), Node ${process.version}`;
  const section = [
    "## Gateway: tokenwise gateway vs direct and Portkey",
    "",
    `Run ${new Date().toISOString().slice(0, 10)} on ${machine}.`,
    "",
    `Command: \`npm run build && bash bench/gateway/install-peers.sh && node bench/gateway/run.mjs --rounds ${rounds} --seconds ${seconds} --write\``,
    "",
    `One mock upstream process (\`tokenwise mock-upstream\`, no added latency); each gateway in its own process; autocannon in the benchmark process (latencies in whole milliseconds); ${rounds} interleaved rounds of ${seconds} s per cell, medians shown. tokenwise runs with everything on: a virtual key with a daily key budget and a monthly team budget (both reserved and settled in the SQLite ledger per request), the SQLite rate limiter (rpm and tpm set), the response cache (the request samples at temperature 0.7, so it is not cached), Prometheus metrics and JSON logs. Portkey ${portkeyVersion ?? "(not installed)"} routes with \`x-portkey-provider: openai\` and \`x-portkey-custom-host\`. Added latency is the gateway's p50/p99 minus direct's in the same round set. "req/s per core" is req/s divided by the gateway process's CPU cores in use. Failures are non-2xx answers and socket errors summed over rounds.`,
    "",
    "| Mode | Concurrency | Target | p50 ms | p99 ms | Added p50 ms | Added p99 ms | req/s | CPU ms / req | req/s per core | RSS MB | Failures |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    ...ratios,
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
