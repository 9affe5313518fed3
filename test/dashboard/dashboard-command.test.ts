/**
 * `tokenwise dashboard` as a person runs it: the built CLI (npm test builds first), so this
 * also proves the build put the page, script and styles where the handler reads them.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteLedger } from "../../src/adapters/ledger/index.js";
import { emptyUsage } from "../../src/core/cost/usage.js";
import { usd } from "../../src/core/money/index.js";

const bin = fileURLToPath(new URL("../../dist/faces/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tokenwise-dashboard-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startDashboard(env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, "dashboard", "--ledger", dir, "--port", "0"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /http:\/\/\S+\/dashboard\/\S*/.exec(stdout);
      if (match) resolve(match[0]);
    });
    child.on("close", (code) => reject(new Error(`dashboard exited with ${code}: ${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, url, exited, output: () => stdout };
}

describe("tokenwise dashboard (built CLI)", () => {
  it("serves the built page and the ledger's data to the admin key only, and stops on SIGINT", async () => {
    const ledger = createSqliteLedger({ path: join(dir, "tokenwise.db") });
    await ledger.record({
      scope: "team-a",
      model: "gpt-4o-mini",
      provider: "openai",
      usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 5 },
      cost: usd("0.25"),
    });
    await ledger.close();
    const dashboard = startDashboard({ TOKENWISE_ADMIN_KEY: "cli-test-admin-key" });
    const url = await dashboard.url;
    expect(dashboard.output()).not.toContain("cli-test-admin-key");
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("tokenwise spend dashboard");
    expect((await fetch(new URL("dashboard.js", url))).status).toBe(200);
    expect((await fetch(new URL("api/data", url))).status).toBe(401);
    const data = await fetch(new URL("api/data", url), {
      headers: { authorization: "Bearer cli-test-admin-key" },
    });
    expect(
      ((await data.json()) as { report: { totals: { cost: string } } }).report.totals.cost,
    ).toBe("0.25");
    dashboard.child.kill("SIGINT");
    expect(await dashboard.exited).toBe(0);
  });

  it("makes a key for the run when none is set, and gives it only in the link's fragment", async () => {
    const dashboard = startDashboard({ TOKENWISE_ADMIN_KEY: "" });
    const url = await dashboard.url;
    const key = new URL(url).hash.replace(/^#key=/, "");
    expect(key).toMatch(/^twa-[\w-]{20,}$/);
    const data = await fetch(new URL("api/data", url), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(data.status).toBe(200);
    dashboard.child.kill("SIGINT");
    expect(await dashboard.exited).toBe(0);
  });
});
