/**
 * Streams through the gateway when things go wrong (the caller leaves, the upstream cuts or
 * stalls) and the response cache: what is billed, what the caller sees, what the ledger holds.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usd } from "../../src/core/money/index.js";
import { type Harness, startHarness } from "./support/gateway-harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ defaults: { streamIdleTimeoutMs: 1_000 } });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.mock.setBehavior({ script: [], streamChunkDelayMs: 0 });
});

const LONG = Array.from({ length: 40 }, (_, index) => `word${index}`).join(" ");

function newKey() {
  return harness.key({ budget: { limit: usd("1"), period: "day", timeZone: "UTC" } });
}

function postStream(path: string, secret: string, body: unknown): Promise<Response> {
  return fetch(`${harness.gateway.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${secret}`,
      "x-tokenwise-cache": "off",
    },
    body: JSON.stringify(body),
  });
}

async function rowsOfKey(id: string) {
  return (await harness.ledger.records()).filter((row) => row.scope.startsWith(`key:${id}:`));
}

async function waitFor<T>(read: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe("gateway streams", () => {
  it("bills a caller that disconnects mid-stream for what the upstream produced, and cancels the upstream", async () => {
    const { id, secret } = await newKey();
    harness.mock.setBehavior({ script: [{ type: "slow-stream", chunkDelayMs: 100 }] });
    const body = JSON.stringify({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: LONG }],
    });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        `${harness.gateway.url}/v1/chat/completions`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        },
        (res) => {
          let events = 0;
          res.on("data", (chunk: Buffer) => {
            events += chunk.toString().split("data: ").length - 1;
            if (events >= 3) {
              req.destroy();
              resolve();
            }
          });
          res.on("error", () => {});
        },
      );
      req.on("error", () => {});
      req.on("close", () => resolve());
      req.once("error", reject);
      req.end(body);
    });
    // The whole reply would take ~4 s upstream; its partial row appears long before.
    const row = await waitFor(async () => (await rowsOfKey(id))[0], 2_000);
    expect(row?.metadata?.partial).toBe(true);
    expect(row?.cost).toBeGreaterThan(0n);
    expect(row?.usage.outputTokens).toBeGreaterThan(0);
    expect(row?.usage.outputTokens).toBeLessThan(40);
  });

  it("ends a stream the upstream cuts with an error event in the caller's format, never a clean end", async () => {
    const { id, secret } = await newKey();
    harness.mock.setBehavior({ script: [{ type: "fail-mid-stream", afterChunks: 4 }] });
    const openaiText = await (
      await postStream("/v1/chat/completions", secret, {
        model: "gpt-4o-mini",
        stream: true,
        messages: [{ role: "user", content: LONG }],
      })
    ).text();
    expect(openaiText).toContain('"error"');
    expect(openaiText).not.toContain("[DONE]");

    harness.mock.setBehavior({ script: [{ type: "fail-mid-stream", afterChunks: 4 }] });
    const anthropicText = await (
      await fetch(`${harness.gateway.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": secret },
        body: JSON.stringify({
          model: "claude-haiku-4-5",
          max_tokens: 100,
          stream: true,
          messages: [{ role: "user", content: LONG }],
        }),
      })
    ).text();
    expect(anthropicText).toContain("event: error");
    expect(anthropicText).not.toContain("message_stop");

    harness.mock.setBehavior({ script: [{ type: "fail-mid-stream", afterChunks: 4 }] });
    const responsesText = await (
      await postStream("/v1/responses", secret, { model: "gpt-4o-mini", stream: true, input: LONG })
    ).text();
    expect(responsesText).toContain("event: error");
    expect(responsesText).not.toContain("response.completed");

    const rows = await rowsOfKey(id);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.cost).toBeGreaterThan(0n);
  });

  it("cuts a stalled upstream after the idle timeout, answering in the caller's format and freeing the reservation", async () => {
    const { id, secret } = await newKey();
    harness.mock.setBehavior({ script: [{ type: "slow-stream", chunkDelayMs: 4_000 }] });
    const response = await postStream("/v1/chat/completions", secret, {
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: LONG }],
    });
    // The mock's first frame carries no content, so the stall comes before the first event:
    // the answer is still an error status, not a 200 stream.
    expect(response.status).toBe(504);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/stalled: no stream event for 1000 ms/);
    const scope = (await harness.registry.get(id))?.budget !== undefined ? `key:${id}:day:` : "";
    const day = new Date().toISOString().slice(0, 10);
    expect(await harness.ledger.reserved(`${scope}${day}`)).toBe(0n);
    expect(await rowsOfKey(id)).toHaveLength(0);
  });
});

describe("gateway response cache", () => {
  it("answers a repeated deterministic request from the cache at $0, recording the money saved, per team", async () => {
    await harness.registry.setTeam({ name: "cache-team-a" });
    await harness.registry.setTeam({ name: "cache-team-b" });
    const first = await harness.key({ team: "cache-team-a" });
    const second = await harness.key({ team: "cache-team-a" });
    const other = await harness.key({ team: "cache-team-b" });
    const body = {
      model: "gpt-4o-mini",
      temperature: 0,
      max_tokens: 20,
      messages: [{ role: "user", content: "cache me" }],
    };
    const ask = (secret: string, headers: Record<string, string> = {}) =>
      fetch(`${harness.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${secret}`,
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const before = harness.mock.requests.length;
    const miss = await ask(first.secret);
    expect(miss.headers.get("x-tokenwise-cache")).toBe("miss");
    const hit = await ask(second.secret);
    expect(hit.headers.get("x-tokenwise-cache")).toBe("hit");
    expect(usd(hit.headers.get("x-tokenwise-cost") ?? "x")).toBe(0n);
    expect(
      ((await hit.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]
        ?.message.content,
    ).toContain("cache me");
    const bypass = await ask(second.secret, { "x-tokenwise-cache": "off" });
    expect(bypass.headers.get("x-tokenwise-cache")).toBe("bypass");
    const otherTeam = await ask(other.secret);
    expect(otherTeam.headers.get("x-tokenwise-cache")).toBe("miss");
    expect(harness.mock.requests.length - before).toBe(3);
    const hitRow = (await harness.ledger.records()).find((row) => row.cached === true);
    expect(hitRow?.cost).toBe(0n);
    expect(Number(hitRow?.metadata?.savedCost)).toBeGreaterThan(0);

    const streamed = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${first.secret}` },
      body: JSON.stringify({ ...body, stream: true }),
    });
    expect(streamed.headers.get("x-tokenwise-cache")).toBe("hit");
    const deltas = (await streamed.text())
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map(
        (line) =>
          (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> })
            .choices[0]?.delta.content ?? "",
      );
    expect(deltas.join("")).toContain("cache me");
    expect(harness.mock.requests.length - before).toBe(3);
  });

  it("writes latency, first-byte time, cache status and outcome on every row: served, cached, bypassed, streamed", async () => {
    await harness.registry.setTeam({ name: "facts-team" });
    const { id, secret } = await harness.key({
      team: "facts-team",
      budget: { limit: usd("1"), period: "day", timeZone: "UTC" },
    });
    harness.mock.setBehavior({ script: [], streamChunkDelayMs: 30 });
    const body = {
      model: "gpt-4o-mini",
      temperature: 0,
      max_tokens: 20,
      messages: [{ role: "user", content: "facts on the row" }],
    };
    const ask = (extra: Record<string, unknown>, headers: Record<string, string> = {}) =>
      fetch(`${harness.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${secret}`,
          ...headers,
        },
        body: JSON.stringify({ ...body, ...extra }),
      }).then(async (response) => {
        await response.text();
        return response.headers.get("x-tokenwise-request-id") ?? "";
      });
    const served = await ask({});
    const cached = await ask({});
    const bypassed = await ask({}, { "x-tokenwise-cache": "off" });
    const streamed = await ask(
      { stream: true, messages: [{ role: "user", content: LONG }] },
      {
        "x-tokenwise-cache": "off",
      },
    );
    const rows = await rowsOfKey(id);
    const byId = (requestId: string) => rows.find((row) => row.requestId === requestId)?.metadata;
    expect(byId(served)).toMatchObject({ outcome: "served", cacheStatus: "miss", keyId: id });
    expect(byId(cached)).toMatchObject({ outcome: "cache_hit", cacheStatus: "hit" });
    expect(byId(bypassed)).toMatchObject({ outcome: "served", cacheStatus: "bypass" });
    expect(byId(streamed)).toMatchObject({ outcome: "served", cacheStatus: "bypass" });
    for (const requestId of [served, cached, bypassed, streamed]) {
      const metadata = byId(requestId);
      expect(typeof metadata?.keyName).toBe("string");
      expect(metadata?.team).toBe("facts-team");
      expect(typeof metadata?.latencyMs).toBe("number");
      expect(typeof metadata?.firstByteMs).toBe("number");
      expect(Number(metadata?.firstByteMs)).toBeLessThanOrEqual(Number(metadata?.latencyMs));
    }
    // The stream's first byte went out long before its last chunk (30 ms apart each).
    const stream = byId(streamed);
    expect(Number(stream?.latencyMs) - Number(stream?.firstByteMs)).toBeGreaterThanOrEqual(100);
  });
});
