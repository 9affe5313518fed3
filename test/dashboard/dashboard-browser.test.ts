/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core. Under CI the
 * browser must be there (.ci/run installs it); on a developer machine without it the suite is
 * skipped with the reason.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteLedger, type Ledger } from "../../src/adapters/ledger/index.js";
import { buildSpendReport } from "../../src/apps/report/index.js";
import { emptyUsage } from "../../src/core/cost/usage.js";
import { toDecimalString, usd } from "../../src/core/money/index.js";
import { createDashboardHandler } from "../../src/faces/dashboard/index.js";

const CHROMIUM = "/usr/bin/chromium";
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const haveChromium = existsSync(CHROMIUM);
if (inCi && !haveChromium) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for this test`);
}
const describeWithBrowser = haveChromium ? describe : describe.skip;

const ADMIN_KEY = "browser-test-admin-key";
const BUDGET_SCOPE = "team:data:month:2026-12";

/** "$" and at least six decimals, exactly as the page writes money. */
function pageMoney(amount: bigint): string {
  const [whole, fraction = ""] = toDecimalString(amount).split(".");
  return `$${whole}.${fraction.padEnd(6, "0")}`;
}

describeWithBrowser("the dashboard in Chromium", () => {
  let dir = "";
  let writer: Ledger;
  let reader: Ledger;
  let server: Server;
  let browser: BrowserContext;
  let base = "";
  let userDataDir = "";

  const record = (requestId: string, cost: string, extra: Record<string, unknown> = {}) =>
    writer.record({
      scope: BUDGET_SCOPE,
      model: "gpt-4o-mini",
      provider: "openai",
      usage: { ...emptyUsage(), inputTokens: 1200, outputTokens: 80 },
      cost: usd(cost),
      requestId,
      metadata: {
        keyId: "key_1",
        keyName: "web",
        team: "data",
        latencyMs: 420,
        outcome: "ok",
        ...extra,
      },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tokenwise-dashboard-browser-"));
    userDataDir = mkdtempSync(join(tmpdir(), "tokenwise-chromium-profile-"));
    const path = join(dir, "tokenwise.db");
    writer = createSqliteLedger({ path });
    reader = createSqliteLedger({ path });
    await record("chatcmpl-a", "0.000708");
    await record("chatcmpl-b", "0.0123");
    await writer.record({
      scope: BUDGET_SCOPE,
      model: "gpt-4o-mini",
      provider: "openai",
      usage: emptyUsage(),
      cost: 0n,
      cached: true,
      requestId: "chatcmpl-a",
      metadata: { keyName: "web", team: "data", savedCost: "0.000708", prompt: "never shown" },
    });
    const dashboard = createDashboardHandler({
      ledger: reader,
      adminKey: ADMIN_KEY,
      budgets: [{ scope: BUDGET_SCOPE, limit: usd("5") }],
      refreshMs: 300,
    });
    server = createServer((request, response) => {
      dashboard(request, response).then((handled) => {
        if (!handled) response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard/`;
    // A fresh profile directory per run: nothing carries over from another run.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await writer?.close();
    await reader?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  });

  async function openPage(
    key: string,
  ): Promise<{ page: Page; problems: string[]; dataResponses: number[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    const dataResponses: number[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("requestfailed", (request) => problems.push(`failed: ${request.url()}`));
    page.on("response", (response) => {
      if (response.url().includes("/api/data")) dataResponses.push(response.status());
    });
    await page.goto(`${base}#key=${encodeURIComponent(key)}`);
    return { page, problems, dataResponses };
  }

  it("loads with no console errors and shows the ledger's numbers", async () => {
    const { page, problems } = await openPage(ADMIN_KEY);
    const report = await buildSpendReport({
      ledger: reader,
      budgets: [{ scope: BUDGET_SCOPE, limit: usd("5") }],
    });
    await page.locator("#main").waitFor({ state: "visible" });
    expect(await page.locator("#total-cost").textContent()).toBe(pageMoney(report.totals.cost));
    expect(await page.locator("#total-calls").textContent()).toBe(String(report.totals.calls));
    expect(await page.locator("#total-saved").textContent()).toBe(
      pageMoney(report.totals.savedCost),
    );
    expect(await page.locator("#cache-hit-rate").textContent()).toBe("33.3%");
    expect(await page.locator("#input-tokens").textContent()).toBe("2,400");
    expect(await page.locator('#by-model tr[data-key="gpt-4o-mini"] .cost').textContent()).toBe(
      pageMoney(report.totals.cost),
    );
    expect(await page.locator('#by-key tr[data-key="web"] .cost').textContent()).toBe(
      pageMoney(report.totals.cost),
    );
    expect(await page.locator('#by-team tr[data-key="data"] .cost').textContent()).toBe(
      pageMoney(report.totals.cost),
    );
    const budget = page.locator(`.budget[data-scope="${BUDGET_SCOPE}"]`);
    expect(await budget.locator(".budget-spent").textContent()).toBe(
      pageMoney(await reader.spent(BUDGET_SCOPE)),
    );
    expect(await budget.locator(".budget-left").textContent()).toBe(
      pageMoney(await reader.remaining(BUDGET_SCOPE, usd("5"))),
    );
    expect(await budget.locator(".budget-runs-out").textContent()).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/,
    );
    expect(await page.locator("#over-time-chart canvas").count()).toBeGreaterThan(0);
    expect(await page.locator("#latest tbody tr").count()).toBe(3);
    expect(await page.content()).not.toContain("never shown");
    expect(page.url()).not.toContain(ADMIN_KEY);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows a new request without a reload", async () => {
    const { page, problems } = await openPage(ADMIN_KEY);
    await page.locator("#main").waitFor({ state: "visible" });
    const before = await page.locator("#total-calls").textContent();
    await record("chatcmpl-live", "0.5");
    const row = page.locator('#latest tbody tr[data-request-id="chatcmpl-live"]');
    await row.waitFor({ state: "visible", timeout: 15_000 });
    expect(await row.locator(".cost").textContent()).toBe("$0.500000");
    const report = await buildSpendReport({ ledger: reader });
    await page.waitForFunction(
      `document.getElementById("total-cost")?.textContent === ${JSON.stringify(pageMoney(report.totals.cost))}`,
    );
    expect(Number(await page.locator("#total-calls").textContent())).toBe(Number(before) + 1);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("gets no data with a wrong admin key", async () => {
    const { page, dataResponses } = await openPage("not-the-admin-key");
    await page.locator("#key-form").waitFor({ state: "visible" });
    await page.locator("#status.error").waitFor({ state: "visible" });
    expect(await page.locator("#status").textContent()).toBe("wrong admin key");
    expect(dataResponses).toEqual([401]);
    expect(await page.locator("#main").isHidden()).toBe(true);
    expect(await page.locator("#total-cost").textContent()).toBe("");
    expect(await page.locator("#latest tbody tr").count()).toBe(0);
    await page.close();
  }, 60_000);
});
