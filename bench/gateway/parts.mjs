// CPU per operation of the parts of the gateway's request path that keep state, each on its
// own SQLite file, for this checkout and any other build (--root DIR, e.g. main built in a
// worktree): the rate limiter's take with a full window (the events of a minute at `--rate`
// requests/s), a ledger reservation settled with its spend row while `--held` other requests
// hold theirs, the budget-remaining read of a key and its team, and the key registry's
// authentication of a secret with the team lookup. Figures are process.cpuUsage() per
// operation (user + system), the median of `--rounds` rounds.
//
//   npm run build
//   node bench/gateway/parts.mjs [--root DIR ...] [--rate 2000] [--held 50] [--rounds 5]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const rate = value("rate", 2000);
const held = value("held", 50);
const rounds = value("rounds", 5);
const roots = [join(here, "..", "..")];
args.forEach((arg, index) => {
  if (arg === "--root") roots.push(resolve(args[index + 1]));
});

const usage = {
  inputTokens: 12,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 20,
  reasoningTokens: 0,
};

async function cpuPerOperation(operations, work) {
  const before = process.cpuUsage();
  for (let index = 0; index < operations; index++) await work(index);
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / operations;
}

async function measure(root) {
  const dir = mkdtempSync(join(tmpdir(), "tokenwise-parts-"));
  const { createSqliteLedger } = await import(join(root, "dist", "adapters", "ledger", "index.js"));
  const keys = await import(join(root, "dist", "apps", "gateway", "keys", "index.js"));
  const results = {};
  try {
    // A minute of events at `rate` requests/s: the window every take of a busy key sees.
    let clock = Date.now();
    const limiter = keys.createSqliteRateLimiter({
      path: join(dir, "rate.db"),
      now: () => clock,
    });
    const limited = { id: "key_bench", rpm: 1_000_000_000, tpm: 1_000_000_000_000 };
    const step = 1000 / rate;
    // The minute's events go in with plain SQL in one transaction: taking them one by one
    // would cost the old engine minutes (each of its takes summed the window so far).
    const { default: Database } = await import(
      join(root, "node_modules", "better-sqlite3", "lib", "index.js")
    );
    const filler = new Database(join(dir, "rate.db"));
    const insert = filler.prepare("INSERT INTO tokenwise_rate_events VALUES (?, ?, ?)");
    filler.transaction(() => {
      for (let index = 0; index < rate * 60; index++) {
        clock += step;
        insert.run(limited.id, Math.floor(clock), 100);
      }
    })();
    filler.close();
    results["rate limiter take (full window)"] = await cpuPerOperation(5000, async () => {
      clock += step;
      await limiter.take(limited, 100);
    });
    await limiter.close();

    const registry = keys.createSqliteKeyRegistry({ path: join(dir, "keys.db") });
    await registry.setTeam({
      name: "bench",
      budget: { limit: 10n ** 18n, period: "month", timeZone: "UTC" },
    });
    const { key, secret } = await registry.create({
      name: "bench",
      team: "bench",
      budget: { limit: 10n ** 18n, period: "day", timeZone: "UTC" },
      rpm: 1_000_000_000,
    });
    const team = await registry.getTeam("bench");
    results["key registry authenticate + team"] = await cpuPerOperation(5000, async () => {
      const found = await registry.authenticate(secret);
      await registry.getTeam(found.team);
    });
    results["budget scopes of key + team"] = await cpuPerOperation(5000, () =>
      keys.budgetScopes(key, team, Date.now()),
    );
    await registry.close();

    const ledger = createSqliteLedger({ path: join(dir, "ledger.db") });
    const scopes = keys.budgetScopes(key, team, Date.now());
    const budgets = scopes.map(({ scope, limit }) => ({ scope, limit }));
    for (let index = 0; index < held; index++) {
      await ledger.reserve({ amount: 1_000_000n, ttlMs: 3_600_000, budgets });
    }
    const served = async (index) => {
      const reservation = await ledger.reserve({ amount: 1_000_000n, ttlMs: 60_000, budgets });
      await ledger.settle(reservation.id, 400_000n, {
        model: "gpt-4o-mini",
        provider: "openai",
        usage,
        requestId: `req_${index}`,
        metadata: {
          keyId: key.id,
          keyName: key.name,
          team: "bench",
          route: "chat_completions",
          latencyMs: 3,
          firstByteMs: 3,
          cacheStatus: "miss",
          outcome: "served",
        },
      });
    };
    for (let index = 0; index < 2000; index++) await served(index);
    results["ledger reserve + settle with spend row"] = await cpuPerOperation(5000, served);
    results["ledger remaining of key + team"] = await cpuPerOperation(5000, async () => {
      for (const scope of scopes) await ledger.remaining(scope.scope, scope.limit);
    });
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

const table = new Map();
for (let round = 0; round < rounds; round++) {
  for (const root of roots) {
    const results = await measure(root);
    for (const [part, micros] of Object.entries(results)) {
      const row = table.get(part) ?? new Map();
      row.set(root, [...(row.get(root) ?? []), micros]);
      table.set(part, row);
    }
  }
}
console.log(
  `CPU us per operation, median of ${rounds} rounds (rate limiter window: ${rate} req/s for 60 s; ledger: ${held} other reservations held)`,
);
console.log(
  `| Part | ${roots.map((root, index) => (index === 0 ? "this checkout" : root)).join(" | ")} |`,
);
console.log(`|---|${roots.map(() => "---:").join("|")}|`);
for (const [part, row] of table) {
  console.log(`| ${part} | ${roots.map((root) => median(row.get(root)).toFixed(1)).join(" | ")} |`);
}
