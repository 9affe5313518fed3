// What the gateway benchmarks share: starting servers as child processes, reading a process's
// CPU time and RSS from /proc, one load run, the bench request bodies, and a tokenwise
// gateway with everything on (a virtual key with key and team budgets and rate limits, the
// SQLite ledger, registry and rate limiter, metrics, logs) started from any build of tokenwise.

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { Pool } from "undici";

const CLOCK_TICKS = 100;

/**
 * Spawns `node [nodeArgs] command ...commandArgs` and resolves with the child and the match of
 * `ready` against its output once a line matches.
 */
export function start(command, commandArgs, env, ready, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, command, ...commandArgs], {
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

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((row) => row.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/**
 * Load for `seconds`: at concurrency 1 {@link preciseLoad} (the latency is the figure that
 * matters, to a fraction of a millisecond), above it autocannon (whole-millisecond latencies,
 * but a far cheaper client, so it takes less of the shared CPU from the servers).
 */
export function load(target, body, connections, seconds) {
  if (connections === 1) return preciseLoad(target, body, connections, seconds);
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

/**
 * Closed-loop load for `seconds`: `connections` callers on as many keep-alive connections, each
 * sending its next request when the previous answer has been read to the end. Latency is
 * measured per request with `performance.now()` (sub-millisecond, unlike autocannon's whole
 * milliseconds), from sending to the last byte of the answer.
 */
export async function preciseLoad(target, body, connections, seconds) {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  const latencies = [];
  let total = 0;
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const caller = async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      try {
        const answer = await pool.request({
          path: url.pathname,
          method: "POST",
          headers: target.headers,
          body,
        });
        for await (const _piece of answer.body) {
          // read to the end
        }
        latencies.push(performance.now() - sent);
        if (answer.statusCode < 200 || answer.statusCode > 299) non2xx++;
      } catch {
        errors++;
      }
      total++;
    }
  };
  await Promise.all(Array.from({ length: connections }, caller));
  const duration = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    requests: { total },
    non2xx,
    errors,
    timeouts: 0,
    duration,
    latency: { p50: at(0.5) ?? Number.NaN, p99: at(0.99) ?? Number.NaN },
  };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The bench's chat request (sampled at 0.7, so the response cache does not answer it). */
export const chatBody = (stream) =>
  JSON.stringify({
    model: "gpt-4o-mini",
    temperature: 0.7,
    max_tokens: 64,
    messages: [{ role: "user", content: "Give me one short sentence about budgets." }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

/** Starts `tokenwise mock-upstream` from the build in `root`. */
export async function startMockUpstream(root) {
  const cli = join(root, "dist", "faces", "cli", "main.js");
  const mock = await start(
    cli,
    ["mock-upstream", "--port", "0"],
    {},
    /listening on (http:\/\/\S+)/,
  );
  return { child: mock.child, url: mock.match[1] };
}

/**
 * Starts a tokenwise gateway from the build in `root` with everything on, its data in `dir`
 * (a fresh directory per gateway): a virtual key with a daily key budget and a monthly team
 * budget, rpm and tpm limits, the SQLite ledger, registry, rate limiter and cache, metrics and
 * JSON logs. Resolves with the target ({ name, url, headers, pid, child }).
 */
export async function startTokenwise({ root, dir, upstream, name = "tokenwise", nodeArgs = [] }) {
  const cli = join(root, "dist", "faces", "cli", "main.js");
  const dataDir = join(dir, "data");
  const configPath = join(dir, "gateway.json");
  mkdirSync(dataDir, { recursive: true });
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
  const started = await start(
    cli,
    ["gateway", "--config", configPath],
    { BENCH_OPENAI_KEY: "sk-bench" },
    /listening on (http:\/\/\S+)/,
    nodeArgs,
  );
  return {
    name,
    url: `${started.match[1]}/v1/chat/completions`,
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    pid: started.child.pid,
    child: started.child,
  };
}
