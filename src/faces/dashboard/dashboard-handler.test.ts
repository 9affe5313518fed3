import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { emptyUsage } from "../../core/cost/index.js";
import { usd } from "../../core/money/index.js";
import { isAdminKey } from "./admin-key.js";
import { createDashboardHandler } from "./dashboard-handler.js";

const ADMIN_KEY = "test-admin-key-123";
const NOW = Date.UTC(2026, 11, 3, 12);
const ledger = createMemoryLedger({ now: () => NOW });
let server: Server;
let base = "";

beforeAll(async () => {
  await ledger.record({
    time: NOW - 3_600_000,
    scope: "team:data:month:2026-12",
    model: "gpt-4o",
    provider: "openai",
    usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 10 },
    cost: usd("1.5"),
    requestId: "r1",
    metadata: { keyName: "web", team: "data", prompt: "private question" },
  });
  const dashboard = createDashboardHandler({
    ledger,
    adminKey: ADMIN_KEY,
    budgets: async () => [
      { scope: "team:data:month:2026-12", limit: usd("10"), resetsAt: Date.UTC(2027, 0, 1) },
    ],
    now: () => NOW,
  });
  server = createServer((request, response) => {
    dashboard(request, response).then((handled) => {
      if (!handled) response.writeHead(404).end("not mine");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("createDashboardHandler", () => {
  it("serves its page, script, styles and uPlot from the package with a strict CSP", async () => {
    const page = await fetch(`${base}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<script src="uplot.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    for (const [name, type] of [
      ["dashboard.js", "text/javascript"],
      ["dashboard.css", "text/css"],
      ["uplot.js", "text/javascript"],
      ["uplot.css", "text/css"],
    ]) {
      const asset = await fetch(`${base}/dashboard/${name}`);
      expect(asset.status, name).toBe(200);
      expect(asset.headers.get("content-type")).toContain(type);
    }
    expect((await fetch(`${base}/dashboard/uplot.js`)).headers.get("content-length")).toMatch(
      /^\d{5,}$/,
    );
    const redirect = await fetch(`${base}/dashboard`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect((await fetch(`${base}/dashboard/../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/static/index.html`)).status).toBe(404);
    expect(await (await fetch(`${base}/other`)).text()).toBe("not mine");
  });

  it("answers 401 and no data without the admin key or with a wrong one", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer wrong-key-000000" },
      { authorization: `Bearer ${ADMIN_KEY}x` },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${base}/dashboard/api/data`, { headers });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain("gpt-4o");
      expect(text).not.toContain("1.5");
    }
  });

  it("returns the report, budget burn-down and run-out date with the key, without prompt text", async () => {
    const response = await fetch(`${base}/dashboard/api/data?period=hour`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(response.status).toBe(200);
    const data = (await response.json()) as {
      report: { totals: { cost: string }; overTime: Array<{ key: string }>; budgets: unknown[] };
      burnDown: Array<{ points: unknown }>;
      showsPrompts: boolean;
    };
    expect(data.report.totals.cost).toBe("1.50");
    expect(data.report.overTime[0]?.key).toBe("2026-12-03T11");
    expect(data.report.budgets[0]).toMatchObject({
      spent: "1.50",
      remaining: "8.50",
      runsOutBeforeReset: true,
    });
    expect(data.burnDown[0]?.points).toEqual([
      [Date.UTC(2026, 11, 3, 11), "10.00"],
      [Date.UTC(2026, 11, 3, 12), "8.50"],
    ]);
    expect(JSON.stringify(data)).not.toContain("private question");
    expect(data.showsPrompts).toBe(false);
    const bad = await fetch(`${base}/dashboard/api/data?period=year`, {
      headers: { "x-admin-key": ADMIN_KEY },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /period must be one of/,
    );
  });

  it("refuses a short admin key and anything but GET", async () => {
    expect(() => createDashboardHandler({ ledger, adminKey: "short" })).toThrow(
      /adminKey must be a secret/,
    );
    const post = await fetch(`${base}/dashboard/api/data`, { method: "POST" });
    expect(post.status).toBe(405);
  });
});

describe("isAdminKey", () => {
  it("matches only the exact key", () => {
    expect(isAdminKey(ADMIN_KEY, ADMIN_KEY)).toBe(true);
    expect(isAdminKey(undefined, ADMIN_KEY)).toBe(false);
    expect(isAdminKey("", ADMIN_KEY)).toBe(false);
    expect(isAdminKey(ADMIN_KEY.toUpperCase(), ADMIN_KEY)).toBe(false);
  });
});
