/**
 * Search latency as a user meets it: `tokenwise search` in a fresh process (everything opened
 * and loaded for one query), and `tokenwise search --serve` answering queries one after
 * another with the index kept loaded. Peers in the same run: a bare `node -e ""` (the floor
 * any Node CLI pays) and `tokenwise --version` (the whole program's modules, no search).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { median, percentile } from "./stats.mjs";

const TIME = "/usr/bin/time";

/**
 * The children's environment, without NODE_EXTRA_CA_CERTS: set on the benchmark machine, it
 * makes every Node start parse those certificates (~420M instructions, 80% of a bare start),
 * which most machines never pay and which has nothing to do with tokenwise.
 */
export const CHILD_ENV = (() => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
})();

/**
 * Builds, with `cli index`, an index of the first man pages (sorted) of `manDir` that reach
 * 6,000 chunks in `directory` (emptied first), the offline word vectors copied beside it from
 * `vectorsPath`; returns the data directory.
 */
export async function buildLatencyIndex({
  directory,
  manDir,
  embedder,
  openSearchIndex,
  cli,
  vectorsPath,
}) {
  rmSync(directory, { recursive: true, force: true });
  const pages = join(directory, "pages");
  const dataDir = join(directory, "data");
  mkdirSync(pages, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const planner = openSearchIndex({ dataDir: join(directory, "plan") });
  const plan = await planner.index([manDir], { embedder, dryRun: true });
  planner.close();
  let chunks = 0;
  for (const file of [...plan.files.changedFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (chunks >= 6000) break;
    copyFileSync(file.path, join(pages, file.path.slice(file.path.lastIndexOf("/") + 1)));
    chunks += file.chunks;
  }
  await embedder.load();
  copyFileSync(vectorsPath, join(dataDir, vectorsPath.slice(vectorsPath.lastIndexOf("/") + 1)));
  execFileSync("node", [cli, "index", pages, "--data-dir", dataDir, "--no-progress"], {
    stdio: "ignore",
  });
  return dataDir;
}

/** Wall and CPU (user + system) milliseconds of one child process run. */
function runOnce(command, args) {
  if (existsSync(TIME)) {
    const started = performance.now();
    const result = spawnSync(TIME, ["-f", "%U %S", command, ...args], {
      encoding: "utf8",
      env: CHILD_ENV,
    });
    const wall = performance.now() - started;
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
    const [user, system] = result.stderr.trim().split("\n").at(-1).split(" ").map(Number);
    return { wall, cpu: (user + system) * 1000 };
  }
  const started = performance.now();
  execFileSync(command, args, { stdio: "ignore", env: CHILD_ENV });
  return { wall: performance.now() - started, cpu: Number.NaN };
}

function summarise(name, runs) {
  return {
    name,
    runs: runs.length,
    wallMedian: median(runs.map((run) => run.wall)),
    wallP95: percentile(
      runs.map((run) => run.wall),
      0.95,
    ),
    cpuMedian: median(runs.map((run) => run.cpu)),
  };
}

/** Fresh-process figures: each query runs in a new `node dist/faces/cli/main.js search` process. */
export function measureFreshProcesses({ cli, dataDir, questions, mode }) {
  const rows = [];
  rows.push(
    summarise(
      'node -e "" (bare Node start)',
      questions.map(() => runOnce("node", ["-e", ""])),
    ),
  );
  rows.push(
    summarise(
      "tokenwise --version (whole program)",
      questions.map(() => runOnce("node", [cli, "--version"])),
    ),
  );
  for (const searchMode of mode) {
    // One run first so the page cache holds the database and word vectors, as after any use.
    runOnce("node", [cli, "search", questions[0], "--mode", searchMode, "--data-dir", dataDir]);
    rows.push(
      summarise(
        `tokenwise search --mode ${searchMode} (fresh process)`,
        questions.map((question) =>
          runOnce("node", [cli, "search", question, "--mode", searchMode, "--data-dir", dataDir]),
        ),
      ),
    );
  }
  return rows;
}

/** Resident figures: one `--serve` process, queries sent one at a time, timed by the client. */
export async function measureServe({ cli, dataDir, questions, rounds }) {
  const child = spawn("node", [cli, "search", "--serve", "--data-dir", dataDir], {
    stdio: ["pipe", "pipe", "inherit"],
    env: CHILD_ENV,
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (query) => {
    const started = performance.now();
    child.stdin.write(`${query}\n`);
    const { value } = await lines.next();
    const answer = JSON.parse(value);
    if (answer.error !== undefined) throw new Error(answer.error.message);
    return { client: performance.now() - started, server: answer.ms, cpu: answer.cpuMs };
  };
  const first = await ask(questions[0]);
  const timings = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of questions) timings.push(await ask(`${question} ${round}`));
  }
  child.stdin.end();
  await new Promise((resolve) => child.on("close", resolve));
  // After the first round every word has been seen once (its postings and word vectors read).
  const later = timings.slice(questions.length);
  return {
    laterQueries: later.length,
    laterServerP95: percentile(
      later.map((timing) => timing.server),
      0.95,
    ),
    laterCpuP95: percentile(
      later.map((timing) => timing.cpu),
      0.95,
    ),
    first: first.client,
    queries: timings.length,
    clientMedian: median(timings.map((timing) => timing.client)),
    clientP95: percentile(
      timings.map((timing) => timing.client),
      0.95,
    ),
    serverMedian: median(timings.map((timing) => timing.server)),
    serverP95: percentile(
      timings.map((timing) => timing.server),
      0.95,
    ),
    cpuMedian: median(timings.map((timing) => timing.cpu)),
    cpuP95: percentile(
      timings.map((timing) => timing.cpu),
      0.95,
    ),
  };
}
