#!/usr/bin/env node
// A docker-free local cluster: a private Redis and a private PostgreSQL (the system packages,
// on their own ports and data directory, never the shared servers), the tokenwise migrations
// applied, and N replicas of a command, each told where the shared state lives.
//
//   node scripts/local-cluster.mjs start [--dir D (default $TMPDIR/tokenwise-cluster)] [--replicas N] [--redis-port P]
//       [--postgres-port P] [--base-port P] [-- command args...]
//   node scripts/local-cluster.mjs status [--dir D]
//   node scripts/local-cluster.mjs stop [--dir D] [--clean]
//   node scripts/local-cluster.mjs stop-service redis|postgres [--dir D]
//   node scripts/local-cluster.mjs start-service redis|postgres [--dir D]
//
// Each replica runs `command args...` with PORT (base-port + index), TOKENWISE_REPLICA (index),
// TOKENWISE_REDIS_URL and TOKENWISE_POSTGRES_URL in its environment; its output goes to
// D/replica-<index>.log. The state (ports, pids, URLs) is written to D/cluster.json.
//
// stop-service / start-service stop one engine and start it again on the same port, for tests
// of what replicas do while it is down: Redis is shut down saving its data (so it comes back
// with the same counters, as a Redis with persistence would), PostgreSQL is stopped at once
// (`-m immediate`: clients see their connections drop, as in a crash).
import { execFileSync, spawn } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repository = resolve(fileURLToPath(new URL("..", import.meta.url)));
const POSTGRES_ROOT = "/usr/lib/postgresql";

function parse(argv) {
  const [command, ...afterCommand] = argv;
  const service =
    command === "stop-service" || command === "start-service" ? afterCommand[0] : undefined;
  if (service !== undefined && service !== "redis" && service !== "postgres") {
    fail(`${command} needs redis or postgres, got "${service}"`);
  }
  const rest = service === undefined ? afterCommand : afterCommand.slice(1);
  const separator = rest.indexOf("--");
  const flags = separator === -1 ? rest : rest.slice(0, separator);
  const replicaCommand = separator === -1 ? [] : rest.slice(separator + 1);
  const options = { dir: join(tmpdir(), "tokenwise-cluster"), replicas: 0, clean: false };
  for (let index = 0; index < flags.length; index++) {
    const flag = flags[index];
    const value = () => {
      const next = flags[++index];
      if (next === undefined) fail(`${flag} needs a value`);
      return next;
    };
    if (flag === "--dir") options.dir = value();
    else if (flag === "--replicas") options.replicas = wholeNumber(flag, value());
    else if (flag === "--redis-port") options.redisPort = wholeNumber(flag, value());
    else if (flag === "--postgres-port") options.postgresPort = wholeNumber(flag, value());
    else if (flag === "--base-port") options.basePort = wholeNumber(flag, value());
    else if (flag === "--clean") options.clean = true;
    else fail(`unknown flag ${flag}`);
  }
  if (options.replicas > 0 && replicaCommand.length === 0) {
    fail(
      "--replicas needs the replica command after --, e.g. -- node dist/faces/cli/main.js gateway",
    );
  }
  return {
    command,
    service,
    options: { ...options, dir: resolve(options.dir) },
    replicaCommand,
  };
}

function wholeNumber(flag, text) {
  const number = Number(text);
  if (!Number.isSafeInteger(number) || number < 0)
    fail(`${flag} must be a whole number, got "${text}"`);
  return number;
}

function fail(message) {
  process.stderr.write(`local-cluster: ${message}\n`);
  process.exit(2);
}

function postgresBin(program) {
  if (!existsSync(POSTGRES_ROOT)) fail(`PostgreSQL is not installed (no ${POSTGRES_ROOT})`);
  const versions = readdirSync(POSTGRES_ROOT).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const path = join(POSTGRES_ROOT, version, "bin", program);
    if (existsSync(path)) return path;
  }
  fail(`no ${program} under ${POSTGRES_ROOT}/*/bin`);
}

/** initdb and pg_ctl refuse to run as root: run them as the postgres user then. */
function asPostgresUser(program, args) {
  const bin = postgresBin(program);
  const [file, fullArgs] =
    process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  return execFileSync(file, fullArgs, { stdio: "pipe", timeout: 120_000 });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Retries `check` (which throws until ready) for up to ten seconds. */
function waitUntil(what, check) {
  for (let attempt = 0; ; attempt++) {
    try {
      check();
      return;
    } catch (error) {
      if (attempt >= 100) fail(`${what} did not come up: ${error.message}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

function statePath(dir) {
  return join(dir, "cluster.json");
}

function readState(dir) {
  if (!existsSync(statePath(dir))) fail(`no cluster in ${dir} (start one first)`);
  return JSON.parse(readFileSync(statePath(dir), "utf8"));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startRedis(dir, port) {
  execFileSync("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "yes",
    "--dir",
    dir,
    "--pidfile",
    join(dir, "redis.pid"),
    "--logfile",
    join(dir, "redis.log"),
  ]);
  waitUntil(`Redis on port ${port}`, () => {
    execFileSync("redis-cli", ["-p", String(port), "ping"], { stdio: "ignore" });
  });
}

function stopRedis(port, { save }) {
  try {
    execFileSync("redis-cli", ["-p", String(port), "shutdown", save ? "save" : "nosave"], {
      stdio: "ignore",
    });
  } catch {
    // Already stopped: redis-cli fails once the server has gone.
  }
  waitUntil(`Redis on port ${port} to stop`, () => {
    let answered = false;
    try {
      execFileSync("redis-cli", ["-p", String(port), "ping"], { stdio: "ignore" });
      answered = true;
    } catch {
      // Gone, as wanted.
    }
    if (answered) throw new Error("still answering");
  });
}

function startPostgres(dir, port) {
  asPostgresUser("pg_ctl", [
    "-D",
    join(dir, "postgres"),
    "-l",
    join(dir, "postgres.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    "start",
  ]);
}

function stopPostgres(dir, mode) {
  const postgresDir = join(dir, "postgres");
  if (existsSync(join(postgresDir, "postmaster.pid"))) {
    asPostgresUser("pg_ctl", ["-D", postgresDir, "-m", mode, "-w", "stop"]);
  }
}

function service(command, name, options) {
  const state = readState(options.dir);
  if (!state.running) fail(`the cluster in ${options.dir} is stopped`);
  if (name === "redis") {
    if (command === "stop-service") stopRedis(state.redisPort, { save: true });
    else startRedis(options.dir, state.redisPort);
  } else if (command === "stop-service") {
    stopPostgres(options.dir, "immediate");
  } else {
    startPostgres(options.dir, state.postgresPort);
  }
  process.stdout.write(`${name} ${command === "stop-service" ? "stopped" : "started"}\n`);
}

async function start(options, replicaCommand) {
  if (existsSync(statePath(options.dir)) && readState(options.dir).running) {
    fail(`a cluster is already running in ${options.dir}; stop it first`);
  }
  mkdirSync(options.dir, { recursive: true });
  const redisPort = options.redisPort ?? (await freePort());
  const postgresPort = options.postgresPort ?? (await freePort());

  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  startRedis(options.dir, redisPort);

  const postgresDir = join(options.dir, "postgres");
  if (!existsSync(join(postgresDir, "PG_VERSION"))) {
    mkdirSync(postgresDir, { recursive: true });
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(options.dir, uid, gid);
      chownSync(postgresDir, uid, gid);
    }
    asPostgresUser("initdb", ["-D", postgresDir, "-A", "trust", "-U", "postgres", "-E", "UTF8"]);
  }
  startPostgres(options.dir, postgresPort);
  const createdb = postgresBin("createdb");
  try {
    execFileSync(
      createdb,
      ["-h", "127.0.0.1", "-p", String(postgresPort), "-U", "postgres", "tokenwise"],
      {
        stdio: "pipe",
      },
    );
  } catch (error) {
    if (!String(error.stderr).includes("already exists")) throw error;
  }
  const postgresUrl = `postgres://postgres@127.0.0.1:${postgresPort}/tokenwise`;
  const cli = join(repository, "dist", "faces", "cli", "main.js");
  if (!existsSync(cli)) fail("dist/faces/cli/main.js is missing: run npm run build first");
  execFileSync(process.execPath, [cli, "db", "migrate", "--postgres", postgresUrl], {
    stdio: "inherit",
  });

  const basePort = options.basePort ?? (await freePort());
  const replicas = [];
  for (let index = 0; index < options.replicas; index++) {
    const port = basePort + index;
    const log = openSync(join(options.dir, `replica-${index}.log`), "a");
    const [program, ...args] = replicaCommand;
    const child = spawn(program, args, {
      cwd: process.cwd(),
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        PORT: String(port),
        TOKENWISE_REPLICA: String(index),
        TOKENWISE_REDIS_URL: redisUrl,
        TOKENWISE_POSTGRES_URL: postgresUrl,
      },
    });
    child.unref();
    replicas.push({ index, port, pid: child.pid });
  }
  const state = {
    running: true,
    dir: options.dir,
    redisPort,
    postgresPort,
    redisUrl,
    postgresUrl,
    replicas,
  };
  writeFileSync(statePath(options.dir), `${JSON.stringify(state, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
}

function status(options) {
  const state = readState(options.dir);
  const redisPid = existsSync(join(options.dir, "redis.pid"))
    ? Number(readFileSync(join(options.dir, "redis.pid"), "utf8"))
    : undefined;
  const report = {
    ...state,
    redisAlive: redisPid !== undefined && alive(redisPid),
    replicas: state.replicas.map((replica) => ({ ...replica, alive: alive(replica.pid) })),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

function stop(options) {
  const state = readState(options.dir);
  for (const replica of state.replicas) {
    // Each replica leads its own process group (detached), so its children stop with it.
    try {
      process.kill(-replica.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  stopRedis(state.redisPort, { save: false });
  // What stop-service saved must not come back with the next cluster started here.
  rmSync(join(options.dir, "dump.rdb"), { force: true });
  stopPostgres(options.dir, "fast");
  writeFileSync(
    statePath(options.dir),
    `${JSON.stringify({ ...state, running: false }, null, 2)}\n`,
  );
  if (options.clean) rmSync(options.dir, { recursive: true, force: true });
  process.stdout.write(
    `stopped the cluster in ${options.dir}${options.clean ? " and removed it" : ""}\n`,
  );
}

const { command, service: name, options, replicaCommand } = parse(process.argv.slice(2));
if (command === "start") await start(options, replicaCommand);
else if (command === "status") status(options);
else if (command === "stop") stop(options);
else if (name !== undefined) service(command, name, options);
else {
  fail(
    "usage: local-cluster.mjs start|status|stop|stop-service|start-service [--dir D] (see the comment at the top)",
  );
}
