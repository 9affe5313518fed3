// A quick A/B of the tokenwise gateway's own cost: one or more builds of tokenwise (this
// checkout by default, others with --root DIR, e.g. a worktree of main built as a baseline),
// each started with everything on against one mock upstream, loaded in interleaved rounds.
// Reports the median over rounds of CPU ms per request (the gateway process's user + system
// time, the figure least disturbed by a loaded machine), req/s and p50.
//
//   npm run build
//   node bench/gateway/profile.mjs [--mode json|stream] [--connections 50] [--seconds 5]
//     [--rounds 3] [--warmup 10] [--root DIR ...] [--plain] [--cpu-prof DIR] [--perf FILE]
//
// --plain adds the floor: bench/gateway/plain-proxy.mjs (node:http + undici, nothing else).
// --cpu-prof DIR starts the gateways under `node --cpu-prof` and leaves the profiles in DIR
// (written when the gateway exits at the end of the run). --perf FILE records the first
// gateway with `perf record -e cpu-clock` (CPU samples only while it runs, so a loaded machine
// does not skew them; JS frames named through --perf-basic-prof) during the measured rounds:
// read it with `perf report -i FILE --no-children --sort symbol`.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  chatBody,
  cpuSeconds,
  load,
  median,
  rssMb,
  start,
  startMockUpstream,
  startTokenwise,
} from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const mode = value("mode", "json");
const connections = Number(value("connections", 50));
const seconds = Number(value("seconds", 5));
const rounds = Number(value("rounds", 3));
const warmup = Number(value("warmup", 10));
const cpuProf = value("cpu-prof", undefined);
const perfFile = value("perf", undefined);
const roots = [join(here, "..", "..")];
args.forEach((arg, index) => {
  if (arg === "--root") roots.push(resolve(args[index + 1]));
});

const dir = mkdtempSync(join(tmpdir(), "tokenwise-gateway-profile-"));
const children = [];
try {
  const mock = await startMockUpstream(roots[0]);
  children.push(mock.child);
  const targets = [];
  for (const [index, root] of roots.entries()) {
    const nodeArgs = [
      ...(cpuProf === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${resolve(cpuProf)}`]),
      ...(perfFile !== undefined && index === 0 ? ["--perf-basic-prof"] : []),
    ];
    const target = await startTokenwise({
      root,
      dir: join(dir, `gateway-${index}`),
      upstream: mock.url,
      name: index === 0 ? "this checkout" : root,
      nodeArgs,
    });
    children.push(target.child);
    targets.push(target);
  }
  if (args.includes("--plain")) {
    const plain = await start(
      join(here, "plain-proxy.mjs"),
      ["--upstream", mock.url],
      {},
      /listening on (http:\/\/\S+)/,
    );
    children.push(plain.child);
    targets.push({
      name: "plain node:http + undici proxy",
      url: `${plain.match[1]}/v1/chat/completions`,
      headers: { "content-type": "application/json" },
      pid: plain.child.pid,
    });
  }
  const body = chatBody(mode === "stream");
  // Warm-up at the measured concurrency: V8 compiles the hot paths in the first seconds, which
  // is a one-off of a long-running server, not a cost per request.
  for (const target of targets) await load(target, body, connections, warmup);
  const samples = new Map(targets.map((target) => [target.name, []]));
  const perf =
    perfFile === undefined
      ? undefined
      : spawn(
          "perf",
          [
            "record",
            "-e",
            "cpu-clock",
            "-F",
            "2000",
            "-g",
            "-p",
            String(targets[0].pid),
            "-o",
            perfFile,
          ],
          { stdio: "ignore" },
        );
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const before = cpuSeconds(target.pid);
      const result = await load(target, body, connections, seconds);
      const cpu = cpuSeconds(target.pid) - before;
      const ok = result.requests.total - result.non2xx - result.errors;
      const sample = {
        cpuMs: (cpu * 1000) / ok,
        rps: ok / result.duration,
        p50: result.latency.p50,
        failures: result.non2xx + result.errors + result.timeouts,
      };
      samples.get(target.name).push(sample);
      process.stderr.write(
        `round ${round + 1} ${target.name}: ${sample.cpuMs.toFixed(3)} CPU ms/req, ${Math.round(sample.rps)} req/s, p50 ${sample.p50.toFixed(2)} ms, ${sample.failures} failed\n`,
      );
    }
  }
  if (perf !== undefined) {
    perf.kill("SIGINT");
    await new Promise((resolve) => perf.once("exit", resolve));
  }
  console.log(`${mode}, concurrency ${connections}, ${rounds} rounds of ${seconds} s (medians):`);
  const first = median(samples.get(targets[0].name).map((sample) => sample.cpuMs));
  for (const target of targets) {
    const list = samples.get(target.name);
    const cpuMs = median(list.map((sample) => sample.cpuMs));
    console.log(
      `  ${target.name}: ${cpuMs.toFixed(3)} CPU ms/req (${(cpuMs / first).toFixed(2)}x this checkout), ${Math.round(median(list.map((sample) => sample.rps)))} req/s, p50 ${median(list.map((sample) => sample.p50)).toFixed(2)} ms, RSS ${Math.round(rssMb(target.pid))} MB, ${list.reduce((sum, sample) => sum + sample.failures, 0)} failed`,
    );
  }
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, cpuProf === undefined ? 500 : 3000));
  rmSync(dir, { recursive: true, force: true });
}
