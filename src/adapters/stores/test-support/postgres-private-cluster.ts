/**
 * A private PostgreSQL cluster for tests that must stop the database: created with the system
 * packages' `initdb` in a temporary directory, run as the `postgres` user on a free port, and
 * removed afterwards. The shared server on 5432 is never touched.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrivateCluster {
  url: string;
  port: number;
  start(): void;
  /** Stops the server at once (`-m immediate`): clients see their connections drop. */
  stop(): void;
  /** Stops it and deletes its directory. */
  destroy(): void;
}

const POSTGRES_ROOT = "/usr/lib/postgresql";

/** Why a private cluster cannot start here, or undefined when it can. */
export function privateClusterUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to run initdb as the postgres user";
  if (bin("initdb") === undefined) return `no initdb under ${POSTGRES_ROOT}/*/bin`;
  try {
    execFileSync("id", ["postgres"], { stdio: "ignore" });
  } catch {
    return "there is no postgres system user";
  }
  return undefined;
}

/**
 * Creates and starts a cluster (trust authentication, database "test", no fsync).
 *
 * @example
 * ```ts
 * const cluster = await startPrivateCluster();
 * cluster.stop(); cluster.start(); cluster.destroy();
 * ```
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-pg-"));
  const postgres = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const group = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(directory, postgres, group);
  const data = join(directory, "data");
  const asPostgres = (program: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", bin(program) as string, ...args], {
      stdio: "pipe",
      timeout: 60_000,
    });
  asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const settings = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const cluster: PrivateCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    port,
    start: () => {
      asPostgres("pg_ctl", [
        "-D",
        data,
        "-o",
        settings,
        "-l",
        join(directory, "log"),
        "-w",
        "start",
      ]);
    },
    stop: () => {
      asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    },
    destroy: () => {
      try {
        if (existsSync(join(data, "postmaster.pid"))) cluster.stop();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
  try {
    cluster.start();
    asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "test"]);
  } catch (error) {
    cluster.destroy();
    throw error;
  }
  return cluster;
}

function bin(program: string): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const path = join(POSTGRES_ROOT, version, "bin", program);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === "object" && address !== null) resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}
