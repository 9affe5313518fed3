/**
 * Instructions executed by one fresh `tokenwise search` process, counted by
 * `valgrind --tool=callgrind` (all threads): a figure the machine's load cannot move, unlike
 * wall or CPU time. Compared with a bare `node -e ""` and, when given, another build of
 * tokenwise (the code before a change) on the same index and question.
 *
 * NODE_EXTRA_CA_CERTS is removed from the children's environment: when set (it is on the
 * benchmark machine), every Node start parses those certificates first, ~420M instructions
 * that have nothing to do with tokenwise and that most machines do not pay.
 */
import { spawnSync } from "node:child_process";
import { median } from "./stats.mjs";

export const QUESTION = "which folders take up the most space on disk";

/** True when valgrind can be run. */
export function hasValgrind() {
  return spawnSync("valgrind", ["--version"], { encoding: "utf8" }).status === 0;
}

function environment() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Instructions of one run of `node ...args` (the median of `runs`). */
export function countInstructions(args, runs = 3) {
  const counts = [];
  for (let run = 0; run < runs; run++) {
    const result = spawnSync(
      "valgrind",
      ["--tool=callgrind", "--callgrind-out-file=/dev/null", "node", ...args],
      { encoding: "utf8", env: environment(), maxBuffer: 64 * 2 ** 20 },
    );
    const match = /Collected : (\d+)/.exec(result.stderr);
    if (result.status !== 0 || match === null) {
      throw new Error(`valgrind node ${args.join(" ")} failed: ${result.stderr.slice(-500)}`);
    }
    counts.push(Number(match[1]));
  }
  return median(counts);
}

/**
 * Rows { name, before?, after } of instruction counts: bare node, then keyword and hybrid
 * searches with `cli` (and `baselineCli`, the build to compare with, when given).
 */
export function measureStartInstructions({ cli, baselineCli, dataDir, runs = 3 }) {
  const rows = [
    { name: 'node -e "" (bare Node start)', after: countInstructions(["-e", ""], runs) },
  ];
  for (const mode of ["keyword", "hybrid"]) {
    const args = (entry) => [entry, "search", QUESTION, "--mode", mode, "--data-dir", dataDir];
    rows.push({
      name: `tokenwise search --mode ${mode}`,
      before: baselineCli === undefined ? undefined : countInstructions(args(baselineCli), runs),
      after: countInstructions(args(cli), runs),
    });
  }
  return rows;
}
