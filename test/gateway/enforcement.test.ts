/**
 * Enforcement under load and abuse: 1,000 concurrent requests on a budget that fits about 100,
 * per-key rate limits, and embeddings on budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { worstCaseCost } from "../../src/apps/client/worst-case-cost.js";
import { defaultCatalog } from "../../src/core/catalog/index.js";
import type { ChatRequest } from "../../src/core/messages/types.js";
import { sumMoney, toDecimalString, usd } from "../../src/core/money/index.js";
import { type Harness, startHarness } from "./support/gateway-harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    cache: false,
    mock: { latencyMs: 20 },
    defaults: { requestTimeoutMs: 60_000 },
  });
});
afterAll(async () => {
  await harness.close();
});

const REQUEST: ChatRequest = {
  model: "gpt-4o-mini",
  max_tokens: 50,
  messages: [{ role: "user", content: "Count to three" }],
};

function post(path: string, secret: string, body: unknown) {
  return fetch(`${harness.gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify(body),
  });
}

describe("gateway enforcement", () => {
  it("never spends past a budget under 1,000 concurrent requests, and ledger rows equal upstream calls", async () => {
    const worst = worstCaseCost(REQUEST, defaultCatalog.get("gpt-4o-mini")).amount;
    const limit = worst * 100n;
    const { id, secret } = await harness.key({
      budget: { limit, period: "none", timeZone: "UTC" },
    });
    const before = harness.mock.requests.length;
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () =>
        post("/v1/chat/completions", secret, REQUEST).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    const served = responses.filter((status) => status === 200).length;
    const refused = responses.filter((status) => status === 429).length;
    expect(served + refused).toBe(1000);
    expect(served).toBeGreaterThanOrEqual(100);
    const upstreamCalls = harness.mock.requests.length - before;
    expect(upstreamCalls).toBe(served);
    const scope = `key:${id}:none`;
    const spent = await harness.ledger.spent(scope);
    expect(spent).toBeLessThanOrEqual(limit);
    const rows = await harness.ledger.records({ scope });
    expect(rows).toHaveLength(upstreamCalls);
    expect(sumMoney(rows.map((row) => row.cost))).toBe(spent);
    expect(await harness.ledger.reserved(scope)).toBe(0n);
  }, 180_000);

  it("limits requests per minute per key with 429 and retry-after, in the caller's format", async () => {
    const { secret } = await harness.key({ rpm: 2 });
    expect((await post("/v1/chat/completions", secret, REQUEST)).status).toBe(200);
    expect((await post("/v1/chat/completions", secret, REQUEST)).status).toBe(200);
    const before = harness.mock.requests.length;
    const limited = await fetch(`${harness.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": secret },
      body: JSON.stringify(REQUEST),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await limited.json()) as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toMatch(/at most 2 requests per minute/);
    expect(harness.mock.requests.length).toBe(before);
  });

  it("limits tokens per minute per key, counting prompt and max output before the call", async () => {
    const { secret } = await harness.key({ tpm: 100 });
    expect((await post("/v1/chat/completions", secret, REQUEST)).status).toBe(200);
    const before = harness.mock.requests.length;
    const limited = await post("/v1/chat/completions", secret, REQUEST);
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toMatch(/at most 100 tokens per minute/);
    expect(harness.mock.requests.length).toBe(before);
  });

  it("gives back the budget a rate-limited request reserved while its limit was checked", async () => {
    const { id, secret } = await harness.key({
      rpm: 1,
      budget: { limit: usd("1"), period: "none", timeZone: "UTC" },
    });
    const scope = `key:${id}:none`;
    expect((await post("/v1/chat/completions", secret, REQUEST)).status).toBe(200);
    const spent = await harness.ledger.spent(scope);
    const before = harness.mock.requests.length;
    const limited = await Promise.all(
      Array.from({ length: 20 }, () => post("/v1/chat/completions", secret, REQUEST)),
    );
    expect(limited.map((response) => response.status)).toEqual(Array(20).fill(429));
    expect(harness.mock.requests.length).toBe(before);
    expect(await harness.ledger.reserved(scope)).toBe(0n);
    expect(await harness.ledger.spent(scope)).toBe(spent);
    expect(await harness.ledger.records({ scope })).toHaveLength(1);
    const headers = limited[0]?.headers;
    expect(headers?.get("x-tokenwise-cost")).toBe(toDecimalString(0n));
    expect(headers?.get("x-tokenwise-budget-remaining")).toBe(toDecimalString(usd("1") - spent));
  });

  it("exports requests, tokens, spend and budget remaining per key as Prometheus metrics", async () => {
    const { id, secret } = await harness.key({
      budget: { limit: usd("1"), period: "none", timeZone: "UTC" },
    });
    expect((await post("/v1/chat/completions", secret, REQUEST)).status).toBe(200);
    const text = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(text).toMatch(
      /tokenwise_gateway_requests_total\{route="chat_completions",model="gpt-4o-mini",status="200",outcome="served",cache="[a-z]+"\} \d+/,
    );
    expect(text).toMatch(/tokenwise_gateway_tokens_total\{model="gpt-4o-mini",kind="output"\} \d+/);
    expect(text).toMatch(/tokenwise_gateway_spend_dollars_total\{model="gpt-4o-mini"\} \d/);
    expect(text).toContain(`tokenwise_gateway_budget_remaining_dollars{key="${id}"}`);
    expect(text).toContain("tokenwise_gateway_request_duration_seconds_bucket");
    expect(text).not.toContain(secret);
  });

  it("serves embeddings in OpenAI format on the key's budget", async () => {
    const { secret } = await harness.key();
    const response = await post("/v1/embeddings", secret, {
      model: "text-embedding-3-small",
      input: ["alpha", "beta"],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: Array<{ index: number; embedding: number[] }>;
      usage: { prompt_tokens: number };
    };
    expect(body.data.map((item) => item.index)).toEqual([0, 1]);
    expect(body.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(Number(response.headers.get("x-tokenwise-cost"))).toBeGreaterThan(0);
    const chatModel = await post("/v1/embeddings", secret, { model: "gpt-4o-mini", input: "x" });
    expect(chatModel.status).toBe(400);
  });
});
