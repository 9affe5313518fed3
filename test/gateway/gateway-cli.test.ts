/**
 * `tokenwise gateway` as a process: --check, start on the embedded SQLite default, serve a
 * request with a key created in the same data dir, and on SIGTERM drain an open stream and
 * flush the ledger before exiting.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteLedger } from "../../src/adapters/ledger/index.js";
import { type MockUpstream, startMockUpstream } from "../../src/adapters/mock-upstream/index.js";
import { DATABASE_FILE } from "../../src/adapters/stores/data-dir.js";
import { createSqliteKeyRegistry } from "../../src/apps/gateway/keys/index.js";
import { usd } from "../../src/core/money/index.js";

const bin = fileURLToPath(new URL("../../dist/faces/cli/main.js", import.meta.url));
let dir: string;
let mock: MockUpstream;
let configPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tokenwise-gateway-cli-"));
  mock = await startMockUpstream({ apiKeys: { openai: "sk-cli-upstream-secret-123456" } });
  configPath = join(dir, "gateway.yaml");
  writeFileSync(
    configPath,
    `port: 0\ndataDir: ${JSON.stringify(join(dir, "data"))}\nupstreams:\n  openai:\n    kind: openai\n    baseUrl: ${mock.url}/v1\n    apiKeyEnv: CLI_TEST_OPENAI_KEY\nmodels:\n  gpt-4o-mini:\n    upstream: openai\n`,
  );
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(
  args: string[],
  env: Record<string, string> = {},
): ChildProcess & { stdoutText: () => string; stderrText: () => string } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return Object.assign(child, { stdoutText: () => stdout, stderrText: () => stderr });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("close", (code) => resolve(code)));
}

describe("tokenwise gateway (built CLI)", () => {
  it("--check validates the config and names a missing key variable", async () => {
    const missing = run(["gateway", "--config", configPath, "--check"]);
    expect(await exited(missing)).toBe(1);
    expect(missing.stderrText()).toContain("CLI_TEST_OPENAI_KEY is not set");
    const ok = run(["gateway", "--config", configPath, "--check"], {
      CLI_TEST_OPENAI_KEY: "sk-cli-upstream-secret-123456",
    });
    expect(await exited(ok)).toBe(0);
    expect(ok.stdoutText()).toContain("OK (1 upstream, 1 model");
  });

  it("serves on the embedded SQLite default and drains a stream and flushes the ledger on SIGTERM", async () => {
    const dataDir = join(dir, "data");
    const gateway = run(["gateway", "--config", configPath], {
      CLI_TEST_OPENAI_KEY: "sk-cli-upstream-secret-123456",
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no banner: ${gateway.stderrText()}`)),
        15_000,
      );
      gateway.stdout?.on("data", () => {
        const match = /listening on (http:\/\/\S+)/.exec(gateway.stdoutText());
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const registry = createSqliteKeyRegistry({ path: join(dataDir, DATABASE_FILE) });
    const { secret, key } = await registry.create({
      name: "cli-key",
      budget: { limit: usd("1"), period: "none", timeZone: "UTC" },
    });
    await registry.close();
    const refused = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-9", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(refused.status).toBe(404);
    mock.setBehavior({ script: [{ type: "slow-stream", chunkDelayMs: 50 }] });
    const streaming = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        stream: true,
        messages: [{ role: "user", content: "one two three four five six seven eight" }],
      }),
    });
    expect(streaming.status).toBe(200);
    gateway.kill("SIGTERM");
    const text = await streaming.text();
    expect(text).toContain("[DONE]");
    expect(await exited(gateway)).toBe(0);
    const ledger = createSqliteLedger({ path: join(dataDir, DATABASE_FILE) });
    const rows = await ledger.records();
    await ledger.close();
    expect(rows.map((row) => row.metadata?.outcome).sort()).toEqual(["not_found", "served"]);
    expect(rows.find((row) => row.metadata?.outcome === "served")?.scope).toBe(
      `key:${key.id}:none`,
    );
    expect(rows.find((row) => row.metadata?.outcome === "not_found")?.scope).toBe(`key:${key.id}`);
    expect(gateway.stderrText()).not.toContain(secret);
    expect(gateway.stderrText()).not.toContain("sk-cli-upstream-secret-123456");
  });
});
