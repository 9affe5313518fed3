/**
 * The SQLite rate limiter across real processes: four node processes share one file and race
 * for a 600 rpm key. `npm test` builds first (the `pretest` script), so dist is current.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";

const limiterModule = fileURLToPath(
  new URL("../../dist/apps/gateway/keys/sqlite-rate-limiter.js", import.meta.url),
);

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "tokenwise-rate-processes-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function racer(path: string, takes: number): Promise<number> {
  const script = `
    const { createSqliteRateLimiter } = await import(${JSON.stringify(limiterModule)});
    const limiter = createSqliteRateLimiter({ path: ${JSON.stringify(path)} });
    const decisions = await Promise.all(
      Array.from({ length: ${takes} }, () => limiter.take({ id: "key_shared", rpm: 600 }, 1)),
    );
    await limiter.close();
    process.stdout.write(String(decisions.filter((decision) => decision.allowed).length));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(Number(stdout)) : reject(new Error(`racer exited ${code}: ${stderr}`)),
    );
  });
}

it("admits exactly 600 of 1,200 takes raced by four processes at 600 rpm", async () => {
  const path = join(directory, "rate.db");
  const admitted = await Promise.all([1, 2, 3, 4].map(() => racer(path, 300)));
  expect(admitted.reduce((sum, count) => sum + count, 0)).toBe(600);
}, 60_000);
