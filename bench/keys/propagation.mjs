#!/usr/bin/env node
/**
 * The shared key registry's two numbers: what a key lookup costs per request (the PostgreSQL
 * registry read every time, the same behind the in-process cache, and the embedded SQLite
 * file for reference), and how long a change made on one replica takes to reach another one
 * over Redis pub/sub (from the start of the write until the other replica has dropped its
 * cached entry).
 *
 * Usage: npm run build && node bench/keys/propagation.mjs [--rounds 5] [--lookups 1000]
 *        [--changes 200] [--write]
 * Needs PostgreSQL (POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test) and Redis
 * (REDIS_URL, default redis://127.0.0.1:6379). It works in a schema of its own, dropped at the
 * end. With --write the results replace this benchmark's section of BENCHMARKS.md.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { writeBenchmarksSection } from "../benchmarks-file.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    lookups: { type: "string", default: "1000" },
    changes: { type: "string", default: "200" },
    write: { type: "boolean", default: false },
  },
});
const rounds = Number(options.rounds);
const lookups = Number(options.lookups);
const changes = Number(options.changes);
const postgresUrl = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const gateway = await import(join(root, "dist", "apps", "gateway", "index.js"));
const {
  createCachedKeyRegistry,
  createPostgresKeyRegistry,
  createRedisKeyInvalidation,
  createSqliteKeyRegistry,
  keyInvalidationChannel,
} = gateway;

const schema = `tokenwise_bench_keys_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const channel = keyInvalidationChannel(schema);
const directory = mkdtempSync(join(tmpdir(), "tokenwise-bench-keys-"));
const janitor = new pg.Pool({ connectionString: postgresUrl, max: 1 });
const loads = [loadavg()[0]];

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function median(values) {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Per-call wall µs (p50, p99) and CPU µs (mean) of `lookups` sequential calls of `call`. */
async function time(call) {
  const samples = [];
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < lookups; index++) {
    const start = performance.now();
    await call();
    samples.push((performance.now() - start) * 1000);
  }
  const cpu = process.cpuUsage(cpuStart);
  samples.sort((a, b) => a - b);
  return {
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    cpu: (cpu.user + cpu.system) / lookups,
  };
}

const registries = [];
try {
  // --- Lookup cost ---------------------------------------------------------------------------
  const postgres = createPostgresKeyRegistry({ url: postgresUrl, schema });
  registries.push(postgres);
  const { secret } = await postgres.create({ name: "bench-bot", rpm: 600 });
  const cached = createCachedKeyRegistry(createPostgresKeyRegistry({ url: postgresUrl, schema }), {
    ttlMs: 60_000,
  });
  registries.push(cached);
  const sqlite = createSqliteKeyRegistry({ path: join(directory, "keys.db") });
  registries.push(sqlite);
  const sqliteSecret = (await sqlite.create({ name: "bench-bot", rpm: 600 })).secret;
  const targets = [
    {
      label: "PostgreSQL registry, read on every request",
      call: () => postgres.authenticate(secret),
    },
    {
      label: "PostgreSQL registry behind the cache (hit)",
      call: () => cached.authenticate(secret),
    },
    {
      label: "SQLite file registry (embedded default)",
      call: () => sqlite.authenticate(sqliteSecret),
    },
  ];
  for (const target of targets) {
    target.rounds = [];
    await target.call(); // warm: connections open, schema migrated, statement plans cached
  }
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) target.rounds.push(await time(target.call));
    loads.push(loadavg()[0]);
  }

  // --- Propagation ---------------------------------------------------------------------------
  const replica = () => {
    const invalidation = createRedisKeyInvalidation({ url: redisUrl, channel });
    const registry = createCachedKeyRegistry(
      createPostgresKeyRegistry({ url: postgresUrl, schema }),
      {
        ttlMs: 60_000,
        invalidation,
      },
    );
    registries.push(registry);
    return { registry, invalidation };
  };
  const writer = replica();
  const reader = replica();
  await Promise.all([writer.invalidation.ready(), reader.invalidation.ready()]);
  const issued = await writer.registry.create({ name: "moving-bot", rpm: 1 });
  let arrived;
  reader.invalidation.subscribe((event) => {
    if (event.keys?.includes(issued.key.id)) arrived?.(performance.now());
  });
  const endToEnd = [];
  const writeTimes = [];
  const afterWrite = [];
  for (let index = 0; index < changes; index++) {
    if ((await reader.registry.authenticate(issued.secret)) === undefined) throw new Error("lost");
    const reached = new Promise((resolve) => {
      arrived = resolve;
    });
    const start = performance.now();
    await writer.registry.update(issued.key.id, { rpm: index + 2 });
    const written = performance.now();
    const at = await reached;
    endToEnd.push(at - start);
    writeTimes.push(written - start);
    afterWrite.push(at - written);
    const seen = await reader.registry.authenticate(issued.secret);
    if (seen?.rpm !== index + 2) throw new Error(`replica saw rpm ${seen?.rpm}, not ${index + 2}`);
  }
  loads.push(loadavg()[0]);
  const sorted = (values) => [...values].sort((a, b) => a - b);
  const propagation = {
    endToEnd: sorted(endToEnd),
    writes: sorted(writeTimes),
    afterWrite: sorted(afterWrite),
  };

  // --- Report --------------------------------------------------------------------------------
  const fmt = (value, digits = 1) => value.toFixed(digits);
  const rows = targets.map((target) => ({
    label: target.label,
    p50: median(target.rounds.map((result) => result.p50)),
    p99: median(target.rounds.map((result) => result.p99)),
    cpu: median(target.rounds.map((result) => result.cpu)),
  }));
  const uncached = rows[0];
  const lines = [
    "## Key registry: lookup cost and propagation across replicas",
    "",
    `- Date: ${new Date().toISOString()}; commit ${execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim()}`,
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, PostgreSQL and Redis on the same machine (loopback), shared with other jobs; load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the run`,
    `- Command: \`npm run build && node bench/keys/propagation.mjs --rounds ${rounds} --lookups ${lookups} --changes ${changes}${options.write ? " --write" : ""}\``,
    `- Lookups: \`authenticate(secret)\` of one live key, ${lookups} sequential calls per target per round, ${rounds} interleaved rounds; wall p50/p99 and CPU µs per call (process.cpuUsage of this process, so the PostgreSQL server's own work is not in it) are medians over the rounds. Ratios are the uncached PostgreSQL figure over the row's.`,
    `- Propagation: ${changes} budget-like edits (\`update(key, { rpm })\`) on one replica, each while another replica holds the key in a 60 s cache; measured from the start of the write until the other replica's invalidation listener has run (its entry dropped), and checked: the other replica's next lookup returned the new value every time.`,
    "",
    "| Lookup | p50 µs | p99 µs | CPU µs / call | × p50 | × CPU |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map(
      (row) =>
        `| ${row.label} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.cpu)} | ${fmt(uncached.p50 / row.p50, 2)} | ${fmt(uncached.cpu / row.cpu, 2)} |`,
    ),
    "",
    "| Propagation (ms) | p50 | p99 | max |",
    "|---|---:|---:|---:|",
    ...[
      ["write start → other replica dropped the entry", propagation.endToEnd],
      ["the write itself (PostgreSQL transaction + PUBLISH)", propagation.writes],
      ["write returned → other replica dropped the entry", propagation.afterWrite],
    ].map(
      ([label, values]) =>
        `| ${label} | ${fmt(quantile(values, 0.5), 2)} | ${fmt(quantile(values, 0.99), 2)} | ${fmt(values.at(-1), 2)} |`,
    ),
    "",
    'Reading: the bound the README states is the pub/sub delivery time when Redis carries the message and `ttlMs` (default 1 s) when it does not; the second table is the first figure on this machine. A negative "write returned →" figure means the other replica had dropped its entry before the writer\'s PUBLISH call returned.',
  ];
  const section = lines.join("\n");
  console.log(section);
  if (options.write)
    console.error(`wrote ${writeBenchmarksSection({ root, heading: lines[0], section })}`);
} finally {
  await Promise.all(registries.map((registry) => registry.close()));
  await janitor.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await janitor.end();
  rmSync(directory, { recursive: true, force: true });
}
