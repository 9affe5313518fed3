/**
 * Timeouts through `createClient` against a real local server that stalls: the call ends, and
 * its reservation is released (nothing arrived) or settled for what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { createOpenAICompatibleProvider } from "../../adapters/providers/index.js";
import {
  type StallingServer,
  startStallingServer,
} from "../../adapters/providers/test-support/stalling-server.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type CreateClientOptions, createClient } from "./index.js";

const HELLO: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 100,
};

describe("createClient: timeouts against a stalling server", () => {
  let stalling: StallingServer;

  beforeAll(async () => {
    stalling = await startStallingServer();
  });

  afterAll(async () => {
    await stalling.close();
  });

  function setup(options: CreateClientOptions = {}) {
    const ledger = createMemoryLedger();
    const client = createClient({
      providers: {
        openai: createOpenAICompatibleProvider({ baseUrl: stalling.url, apiKey: "sk-test" }),
      },
      ledger,
      retry: false,
      budget: { scope: "team", limit: "1.00" },
      ...options,
    });
    return { client, ledger };
  }

  it("ends a stream that goes silent after one chunk, and charges what arrived", async () => {
    stalling.stall("one-chunk");
    const { client, ledger } = setup({ timeouts: { idleMs: 200 } });
    const stream = client.streamChat(HELLO);
    const texts: Array<string | undefined> = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) texts.push(chunk.text);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(texts).toEqual(["Hel"]);
    expect(TokenwiseError.hasCode(error, "timeout")).toBe(true);
    expect((error as TokenwiseError).details).toMatchObject({ timeoutPhase: "idle" });
    await expect(stream.result).rejects.toMatchObject({ code: "timeout" });
    const [record] = await ledger.records();
    expect(record).toMatchObject({ scope: "team", metadata: { partial: true } });
    expect(record?.usage.outputTokens).toBeGreaterThan(0);
    expect(record?.cost).toBeGreaterThan(0n);
    expect(await ledger.spent("team")).toBe(record?.cost);
    expect(await ledger.reserved("team")).toBe(0n);
  });

  it("ends a call the server never answers, releasing its reservation; a call's timeouts win", async () => {
    stalling.stall("silent");
    const { client, ledger } = setup({ timeouts: { firstByteMs: 60_000, totalMs: 120_000 } });
    const chat = await client
      .chat(HELLO, { timeouts: { firstByteMs: 150 } })
      .catch((caught: unknown) => caught);
    expect(chat).toMatchObject({ code: "timeout", details: { timeoutPhase: "firstByte" } });
    const stream = client.streamChat(HELLO, { timeouts: { firstByteMs: 150 } });
    await expect(stream.result).rejects.toMatchObject({
      code: "timeout",
      details: { timeoutPhase: "firstByte" },
    });
    expect(await ledger.records()).toEqual([]);
    expect(await ledger.reserved("team")).toBe(0n);
    expect(await ledger.spent("team")).toBe(0n);
  });

  it("bounds a stream with timeoutMs after its first chunk", async () => {
    stalling.stall("drip");
    const { client, ledger } = setup();
    const stream = client.streamChat(HELLO, { timeoutMs: 300 });
    await expect(stream.result).rejects.toMatchObject({ code: "timeout" });
    expect(await ledger.reserved("team")).toBe(0n);
    expect(await ledger.spent("team")).toBeGreaterThan(0n);
  });
});
