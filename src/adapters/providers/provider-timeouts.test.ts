/**
 * Connect, first-byte, idle and total timeouts against real local servers that stall, for
 * streamed and non-streamed calls.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import { createOpenAICompatibleProvider } from "./openai-compatible-provider.js";
import { DEFAULT_TIMEOUTS } from "./provider-request.js";
import { failureOf } from "./test-support/failure-of.js";
import { type StallingServer, startStallingServer } from "./test-support/stalling-server.js";
import type { CallOptions, ChatChunk } from "./types.js";

const REQUEST: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };

async function drain(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("provider timeouts against a stalling server", () => {
  let stalling: StallingServer;
  const provider = () =>
    createOpenAICompatibleProvider({ baseUrl: stalling.url, apiKey: "sk-secret-timeouts-0123" });
  const quick: CallOptions = { timeouts: { firstByteMs: 200, idleMs: 200, totalMs: 5_000 } };

  beforeAll(async () => {
    stalling = await startStallingServer();
  });

  afterAll(async () => {
    await stalling.close();
  });

  it("has sane defaults", () => {
    expect(DEFAULT_TIMEOUTS).toEqual({
      connectMs: 10_000,
      firstByteMs: 60_000,
      idleMs: 30_000,
      totalMs: 600_000,
    });
  });

  it("stops a call whose server never answers (first byte), streamed or not", async () => {
    stalling.stall("silent");
    const chat = await failureOf(() => provider().chat(REQUEST, quick));
    expect(chat).toMatchObject({
      code: "timeout",
      details: { timeoutPhase: "firstByte", timeoutMs: 200, retryable: true },
    });
    expect(chat.message).toContain("first-byte timeout");
    expect(chat.message).not.toContain("sk-secret");
    const stream = await failureOf(() => drain(provider().streamChat(REQUEST, quick)));
    expect(stream).toMatchObject({ code: "timeout", details: { timeoutPhase: "firstByte" } });
  });

  it("stops a stream that sends one chunk and goes silent (idle), keeping what arrived", async () => {
    stalling.stall("one-chunk");
    const received: ChatChunk[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of provider().streamChat(REQUEST, quick)) received.push(chunk);
    });
    expect(received.map((chunk) => chunk.text)).toEqual(["Hel"]);
    expect(error).toMatchObject({
      code: "timeout",
      details: { timeoutPhase: "idle", timeoutMs: 200, retryable: false, partialText: "Hel" },
    });
    expect(error.message).toContain("went silent for 200 ms");
  });

  it("stops a non-streamed reply whose body stalls midway (idle)", async () => {
    stalling.stall("partial-json");
    const error = await failureOf(() => provider().chat(REQUEST, quick));
    expect(error).toMatchObject({ code: "timeout", details: { timeoutPhase: "idle" } });
  });

  it("stops a stream that keeps dripping past its total time", async () => {
    stalling.stall("drip");
    const error = await failureOf(() =>
      drain(provider().streamChat(REQUEST, { timeouts: { idleMs: 1_000, totalMs: 400 } })),
    );
    expect(error).toMatchObject({
      code: "timeout",
      details: { timeoutPhase: "total", timeoutMs: 400 },
    });
  });

  it("lets timeoutMs cap a stream after its first chunk too", async () => {
    stalling.stall("drip");
    const error = await failureOf(() => drain(provider().streamChat(REQUEST, { timeoutMs: 300 })));
    expect(error).toMatchObject({
      code: "timeout",
      details: { timeoutPhase: "total", timeoutMs: 300 },
    });
  });

  it("rejects a timeout that is not a positive whole number of ms, naming the field", async () => {
    const error = await failureOf(() => provider().chat(REQUEST, { timeouts: { idleMs: 0 } }));
    expect(error).toMatchObject({ code: "invalid_input", details: { field: "timeouts.idleMs" } });
  });
});

describe("connect timeout against a server whose accept queue is full", () => {
  let child: ChildProcess;
  let port: number;
  const fillers: Socket[] = [];

  beforeAll(async () => {
    // A listener with a one-place accept queue in a process that stops running its event loop:
    // once the queue is full, the kernel drops new connection attempts, so connecting stalls.
    child = spawn(
      process.execPath,
      [
        "-e",
        `const server = require("node:net").createServer();
         server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
           process.stdout.write(String(server.address().port) + "\\n", () => {
             Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
           });
         });`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    port = await new Promise<number>((resolve) => {
      child.stdout?.once("data", (data: Buffer) => resolve(Number(String(data).trim())));
    });
    for (let index = 0; index < 4; index++) {
      fillers.push(connect(port, "127.0.0.1").on("error", () => {}));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  afterAll(() => {
    for (const socket of fillers) socket.destroy();
    child.kill();
  });

  it("gives up connecting after connectMs, saying what to check", async () => {
    const provider = createOpenAICompatibleProvider({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: "sk-secret-connect-0123",
    });
    const error = await failureOf(() =>
      provider.chat(REQUEST, { timeouts: { connectMs: 300, firstByteMs: 5_000 } }),
    );
    expect(error).toMatchObject({
      code: "timeout",
      details: { timeoutPhase: "connect", timeoutMs: 300, retryable: true },
    });
    expect(error.message).toContain("Could not connect to openai within 300 ms");
    expect(error.message).not.toContain("sk-secret");
  });
});
