/**
 * The gateway's vertical slice over real HTTP: a virtual key, /v1/chat/completions against the
 * mock upstream, budget enforcement before any upstream byte, the ledger row, headers.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toDecimalString, usd } from "../../src/core/money/index.js";
import {
  type Harness,
  MASTER_KEY,
  startHarness,
  UPSTREAM_KEYS,
} from "./support/gateway-harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

function post(
  path: string,
  secret: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${harness.gateway.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret !== undefined ? { authorization: `Bearer ${secret}` } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const HELLO = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 20,
};

describe("gateway: /v1/chat/completions", () => {
  it("answers in OpenAI format, charges the key's budget and writes one ledger row", async () => {
    const { id, secret } = await harness.key({
      budget: { limit: usd("1"), period: "none", timeZone: "UTC" },
    });
    const before = harness.mock.requests.length;
    const response = await post("/v1/chat/completions", secret, HELLO, {
      "x-tokenwise-cache": "off",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      model: string;
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number };
    };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.choices[0]?.message.content).toContain("Hello there");
    expect(harness.mock.requests.length).toBe(before + 1);
    const upstream = harness.mock.requests.at(-1);
    expect(upstream?.path).toBe("/v1/chat/completions");
    const cost = response.headers.get("x-tokenwise-cost");
    expect(Number(cost)).toBeGreaterThan(0);
    expect(response.headers.get("x-tokenwise-cache")).toBe("bypass");
    const remaining = response.headers.get("x-tokenwise-budget-remaining");
    expect(usd(remaining ?? "x") + usd(cost ?? "x")).toBe(usd("1"));
    const rows = await harness.ledger.records({ scope: `key:${id}:none` });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.cost).toBe(usd(cost ?? "x"));
  });

  it("refuses a request whose worst case does not fit with 429 in OpenAI format, before the upstream", async () => {
    const { secret } = await harness.key({
      budget: { limit: usd("0.000001"), period: "none", timeZone: "UTC" },
    });
    const before = harness.mock.requests.length;
    const response = await post("/v1/chat/completions", secret, HELLO);
    expect(response.status).toBe(429);
    const body = (await response.json()) as {
      error: { message: string; code: string; type: string };
    };
    expect(body.error.code).toBe("budget_exceeded");
    expect(body.error.message).toMatch(/worst case is \$0\.0000\d+/);
    expect(body.error.message).toMatch(/leaves \$0\.000001/);
    expect(response.headers.get("x-tokenwise-budget-remaining")).toBe("0.000001");
    expect(response.headers.get("x-tokenwise-worst-case")).not.toBeNull();
    expect(harness.mock.requests.length).toBe(before);
  });

  it("holds a key to its team's budget too: both are charged, and the tighter one refuses", async () => {
    await harness.registry.setTeam({
      name: "tight-team",
      budget: { limit: usd("0.00002"), period: "month", timeZone: "UTC" },
    });
    const { id, secret } = await harness.key({
      team: "tight-team",
      budget: { limit: usd("1"), period: "day", timeZone: "UTC" },
    });
    const small = { ...HELLO, max_tokens: 5 };
    const first = await post("/v1/chat/completions", secret, small, { "x-tokenwise-cache": "off" });
    expect(first.status).toBe(200);
    const cost = usd(first.headers.get("x-tokenwise-cost") ?? "x");
    const month = new Date().toISOString().slice(0, 7);
    const day = new Date().toISOString().slice(0, 10);
    expect(await harness.ledger.spent(`team:tight-team:month:${month}`)).toBe(cost);
    expect(await harness.ledger.spent(`key:${id}:day:${day}`)).toBe(cost);
    expect(usd(first.headers.get("x-tokenwise-budget-remaining") ?? "x")).toBe(
      usd("0.00002") - cost,
    );
    const before = harness.mock.requests.length;
    const refused = await post("/v1/chat/completions", secret, { ...HELLO, max_tokens: 200 });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      "team:tight-team",
    );
    expect(harness.mock.requests.length).toBe(before);
  });

  it("reports the budget left from the request's own reservation and settle, without reading the ledger again", async () => {
    await harness.registry.setTeam({
      name: "header-team",
      budget: { limit: usd("2"), period: "month", timeZone: "UTC" },
    });
    const { secret } = await harness.key({
      team: "header-team",
      budget: { limit: usd("1"), period: "day", timeZone: "UTC" },
    });
    const reads = vi.spyOn(harness.ledger, "remaining");
    try {
      const served = await post("/v1/chat/completions", secret, HELLO, {
        "x-tokenwise-cache": "off",
      });
      expect(served.status).toBe(200);
      const cost = usd(served.headers.get("x-tokenwise-cost") ?? "x");
      expect(usd(served.headers.get("x-tokenwise-budget-remaining") ?? "x")).toBe(usd("1") - cost);
      // A stream's headers go out while its worst case is still held.
      const streamed = await post(
        "/v1/chat/completions",
        secret,
        { ...HELLO, stream: true },
        { "x-tokenwise-cache": "off" },
      );
      const worst = usd(streamed.headers.get("x-tokenwise-budget-remaining") ?? "x");
      await streamed.text();
      expect(worst).toBeLessThan(usd("1") - cost);
      expect(worst).toBeGreaterThan(0n);
      expect(reads).not.toHaveBeenCalled();
      // A refusal holds nothing, so its figure is read.
      const refused = await post("/v1/chat/completions", secret, {
        ...HELLO,
        max_tokens: 10_000_000,
      });
      expect(refused.status).toBe(429);
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it("answers bad input with the right status and a body naming the problem, never reaching the upstream", async () => {
    const { secret } = await harness.key({ models: ["gpt-4o-mini"] });
    const before = harness.mock.requests.length;
    const cases: Array<[string | undefined, unknown, number, RegExp]> = [
      [secret, "{not json", 400, /Malformed JSON/],
      [secret, { model: "gpt-4o-mini", messages: "hi" }, 400, /messages must be an array/],
      [secret, { ...HELLO, max_tokens: "20" }, 400, /max_tokens must be a whole number/],
      [secret, { ...HELLO, model: "gpt-9" }, 404, /"gpt-9" is not served.*gpt-4o-mini/],
      [
        secret,
        { ...HELLO, model: "claude-haiku-4-5" },
        403,
        /may not use the model "claude-haiku-4-5"/,
      ],
      [undefined, HELLO, 401, /Missing API key/],
      ["tw-not-a-real-key-123456", HELLO, 401, /Invalid API key/],
      [
        secret,
        { ...HELLO, messages: [{ role: "user", content: "x".repeat(5_000_000) }] },
        413,
        /too large/,
      ],
    ];
    for (const [key, body, status, message] of cases) {
      const response = await post("/v1/chat/completions", key, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const parsed = (await response.json()) as { error: { message: string } };
      expect(parsed.error.message).toMatch(message);
      expect(JSON.stringify(parsed)).not.toContain("tw-not-a-real-key-123456");
    }
    expect(harness.mock.requests.length).toBe(before);
  });

  it("writes no ledger row for unauthenticated requests, counting them in metrics and logs instead", async () => {
    const requestIds: string[] = [];
    for (const key of [undefined, "tw-not-a-real-key-654321"]) {
      const response = await post("/v1/chat/completions", key, HELLO);
      expect(response.status).toBe(401);
      requestIds.push(response.headers.get("x-tokenwise-request-id") ?? "");
      await response.arrayBuffer();
    }
    // A refusal of a known key is queued after them: once its row is in, theirs would be too.
    const { id, secret } = await harness.key();
    const refused = await post("/v1/chat/completions", secret, { ...HELLO, model: "gpt-9" });
    expect(refused.status).toBe(404);
    await vi.waitFor(
      async () => {
        const all = await harness.ledger.records();
        expect(all.filter((row) => row.scope === `key:${id}`)).toHaveLength(1);
      },
      { timeout: 10_000 },
    );
    const rows = await harness.ledger.records();
    expect(rows.filter((row) => requestIds.includes(row.requestId ?? ""))).toEqual([]);
    expect(rows.filter((row) => !row.scope.startsWith("key:"))).toEqual([]);
    const metrics = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /tokenwise_gateway_requests_total\{[^}]*outcome="authentication"[^}]*\} [1-9]/,
    );
    for (const id of requestIds) {
      expect(harness.logs.some((line) => line.includes(id) && line.includes('"status":401'))).toBe(
        true,
      );
    }
  });

  it("books /v1/models and /v1/messages/count_tokens to the key: a $0 row each, with its outcome", async () => {
    const { id, secret } = await harness.key();
    const models = await fetch(`${harness.gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(models.status).toBe(200);
    const counted = await fetch(`${harness.gateway.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": secret },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(counted.status).toBe(200);
    await vi.waitFor(
      async () => {
        const rows = (await harness.ledger.records()).filter((row) => row.scope === `key:${id}`);
        expect(rows.map((row) => row.metadata?.route).sort()).toEqual(["count_tokens", "models"]);
        for (const row of rows) {
          expect(row.cost).toBe(0n);
          expect(row.metadata).toMatchObject({ outcome: "served", status: 200, keyId: id });
        }
      },
      { timeout: 10_000 },
    );
  });

  it("answers a chat-completions caller from an upstream configured with api: responses", async () => {
    const { id, secret } = await harness.key({
      budget: { limit: usd("1"), period: "day", timeZone: "UTC" },
    });
    const before = harness.mock.requests.length;
    const response = await post("/v1/chat/completions", secret, {
      ...HELLO,
      model: "gpt-4o-via-responses",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(harness.mock.requests.slice(before).map((request) => request.path)).toEqual([
      "/v1/responses",
    ]);
    const rows = (await harness.ledger.records()).filter((row) =>
      row.scope.startsWith(`key:${id}:`),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.cost).toBeGreaterThan(0n);
    expect(usd(response.headers.get("x-tokenwise-cost") ?? "x")).toBe(rows[0]?.cost);
  });

  it("mounts the spend dashboard at /dashboard: its data needs the master key, a wrong key gets none", async () => {
    const { secret } = await harness.key();
    const served = await post("/v1/chat/completions", secret, HELLO);
    expect(served.status).toBe(200);
    await served.arrayBuffer();
    const page = await fetch(`${harness.gateway.url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    await page.arrayBuffer();
    for (const key of [undefined, secret, "tw-wrong-master-key-000"]) {
      const denied = await fetch(`${harness.gateway.url}/dashboard/api/data`, {
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      });
      expect(denied.status).toBe(401);
      const text = await denied.text();
      expect(text).not.toContain("gpt-4o-mini");
      expect(text).not.toMatch(/spend|total/i);
    }
    const data = await fetch(`${harness.gateway.url}/dashboard/api/data`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
    });
    expect(data.status).toBe(200);
    expect(await data.text()).toContain("gpt-4o-mini");
  });

  it("shows every key's and team's budget on the dashboard, spent as the ledger has it", async () => {
    const team = `dash-${Math.random().toString(36).slice(2)}`;
    await harness.registry.setTeam({
      name: team,
      budget: { limit: usd("2"), period: "none", timeZone: "UTC" },
    });
    const { id, secret } = await harness.key({
      name: `dash-key-${Math.random().toString(36).slice(2)}`,
      team,
      budget: { limit: usd("1"), period: "month", timeZone: "UTC" },
    });
    const served = await post("/v1/chat/completions", secret, HELLO);
    expect(served.status).toBe(200);
    await served.arrayBuffer();
    const response = await fetch(`${harness.gateway.url}/dashboard/api/data`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
    });
    expect(response.status).toBe(200);
    const data = (await response.json()) as {
      report: { budgets: Array<{ scope: string; name: string; limit: string; spent: string }> };
    };
    const keyBudget = data.report.budgets.find((budget) =>
      budget.scope.startsWith(`key:${id}:month:`),
    );
    const teamBudget = data.report.budgets.find((budget) => budget.scope === `team:${team}:none`);
    expect(keyBudget?.limit).toBe("1.00");
    expect(teamBudget?.limit).toBe("2.00");
    expect(teamBudget?.name).toBe(`team ${team}`);
    const spent = await harness.ledger.spent(keyBudget?.scope ?? "");
    expect(spent).toBeGreaterThan(0n);
    expect(keyBudget?.spent).toBe(toDecimalString(spent));
    expect(teamBudget?.spent).toBe(
      toDecimalString(await harness.ledger.spent(`team:${team}:none`)),
    );
  });

  it("refuses a revoked key and keeps a rotated one working through its grace period", async () => {
    const { id, secret } = await harness.key();
    const rotated = await harness.registry.rotate(id, { graceMs: 60_000 });
    expect((await post("/v1/chat/completions", secret, HELLO)).status).toBe(200);
    expect((await post("/v1/chat/completions", rotated.secret, HELLO)).status).toBe(200);
    await harness.registry.revoke(id);
    expect((await post("/v1/chat/completions", rotated.secret, HELLO)).status).toBe(401);
  });

  it("mounts the keys admin API at /admin: a key created over HTTP works at once", async () => {
    const denied = await post("/admin/keys", "wrong-master-key", { name: "over-http" });
    expect(denied.status).toBe(401);
    const created = await post("/admin/keys", MASTER_KEY, {
      name: "over-http",
      budget: { limit_usd: "0.50", period: "none" },
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    expect((await post("/v1/chat/completions", secret, HELLO)).status).toBe(200);
    expect(harness.logs.join("")).not.toContain(secret);
    expect(harness.logs.join("")).not.toContain(MASTER_KEY);
  });

  it("serves /healthz, /metrics and the key's models", async () => {
    expect((await fetch(`${harness.gateway.url}/healthz`)).status).toBe(200);
    const { secret } = await harness.key({ models: ["gpt-4o-mini", "claude-haiku-4-5"] });
    const models = await fetch(`${harness.gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    const list = (await models.json()) as { data: Array<{ id: string }> };
    expect(list.data.map((model) => model.id)).toEqual(["gpt-4o-mini", "claude-haiku-4-5"]);
    const metrics = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(metrics).toContain("tokenwise_gateway_requests_total");
    expect(metrics).toContain('route="chat_completions"');
  });

  it("answers a client that never finishes its body with 408, while other requests go on", async () => {
    const { secret } = await harness.key();
    const { port } = harness.gateway;
    const slow = new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${secret}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":`,
        );
      });
      let answer = "";
      socket.on("data", (chunk) => {
        answer += chunk.toString();
      });
      socket.on("close", () => resolve(answer));
      socket.on("error", () => resolve(answer));
    });
    const meanwhile = await post("/v1/chat/completions", secret, HELLO);
    expect(meanwhile.status).toBe(200);
    const answer = await slow;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"type":"invalid_request_error"');
    expect(answer).toContain("Request body not received within 2000 ms");
  });

  it("never writes a secret to its logs", async () => {
    const { secret } = await harness.key();
    await post("/v1/chat/completions", secret, HELLO);
    await post("/v1/chat/completions", `${secret}x`, HELLO);
    const logs = harness.logs.join("");
    expect(logs).toContain('"msg":"request"');
    for (const value of [secret, UPSTREAM_KEYS.openai, UPSTREAM_KEYS.anthropic])
      expect(logs).not.toContain(value);
    for (const line of harness.logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});
