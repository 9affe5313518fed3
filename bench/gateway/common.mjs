// Helpers shared by the gateway benchmarks: starting a server process and waiting for its ready
// line, reading a process's CPU time and RSS from /proc, the machine's busy CPU time, and medians.
// (start, cpuSeconds, rssMb and median are the same as bench/gateway/run.mjs's own copies.)

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (USER_HZ), the unit of /proc's CPU times on Linux. */
export const CLOCK_TICKS = 100;

/**
 * Starts `node command ...args` and resolves once its output matches `ready`, with the match.
 * After that its output is drained but not kept, so it never blocks on a full pipe.
 *
 * @example
 * const { child, match } = await start(cli, ["mock-upstream", "--port", "0"], {}, /listening on (\S+)/);
 */
export function start(command, commandArgs, env, ready) {
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

function statFields(pid) {
  // The command name (field 2) may hold spaces: the fields after it follow the last ") ".
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(") ") + 2).split(" ");
}

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds of a process and everything under it: its own time, the time of its children
 * that have exited (cutime + cstime, counted once they are reaped) and the time of its live
 * descendants. PostgreSQL runs a process per connection under the postmaster: this is its total.
 */
export function treeCpuSeconds(rootPid) {
  const parents = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parents.set(Number(name), Number(statFields(name)[1]));
    } catch {
      // Exited while listing.
    }
  }
  const fields = statFields(rootPid);
  let total = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  const below = [rootPid];
  while (below.length > 0) {
    const parent = below.pop();
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      try {
        const child = statFields(pid);
        total += Number(child[11]) + Number(child[12]);
        below.push(pid);
      } catch {
        // Exited since the listing: its time is in its parent's cutime from now on.
      }
    }
  }
  return total / CLOCK_TICKS;
}

/**
 * How many times the process's main thread (a Node process's event loop) has gone to sleep
 * waiting for something (voluntary context switches): each wait for a server's answer is one,
 * unless the answer is already there.
 */
export function voluntarySwitches(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
}

/** Resident set size in MB. */
export function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((row) => row.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** The machine's busy and total CPU seconds so far, summed over every core (/proc/stat). */
export function machineCpuSeconds() {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverages() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The nearest-rank percentile (0 < p <= 100) of values already sorted ascending. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
