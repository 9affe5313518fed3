import { expect, it } from "vitest";
import { usd } from "../../src/core/money/index.js";
import { chat, rowsOf, startGatewayCluster, waitFor } from "./support/gateway-cluster.js";

it("smoke", async () => {
  const c = await startGatewayCluster({ replicas: 2 });
  try {
    const key = await c.key({ budget: { limit: usd("1"), period: "none", timeZone: "UTC" } });
    const r = await chat(c.replicas[0]!, key.secret, { messages: [{ role: "user", content: "hi" }], max_tokens: 20 });
    console.log(r.status, r.text.slice(0, 300));
    const r2 = await chat(c.replicas[1]!, key.secret, { messages: [{ role: "user", content: "hi" }], max_tokens: 20 });
    console.log(r2.status);
    const rows = await waitFor("rows", async () => { const rows = await rowsOf(c.pool, key.id); return rows.length >= 2 ? rows : undefined; }, 10000);
    console.log(rows);
    console.log(await (await fetch(`${c.replicas[0]!.url}/healthz`)).text());
    console.log((await (await fetch(`${c.replicas[0]!.url}/metrics`)).text()).split("\n").filter(l => l.includes("spend_rows") || l.includes("shared_state")).join("\n"));
  } catch (e) { console.log(c.logs()); throw e; } finally {
    await c.close();
  }
}, 120000);
