/**
 * What a failed call says: the cause and what to check, not "every fallback candidate failed"
 * when there were no fallbacks; each candidate's own reason when there were. Real servers:
 * a closed local port and the mock upstream.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../../adapters/mock-upstream/index.js";
import type { ChatProvider } from "../../adapters/providers/index.js";
import {
  createAnthropicProvider,
  createOpenAICompatibleProvider,
} from "../../adapters/providers/index.js";
import { failureOf } from "../../adapters/providers/test-support/failure-of.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { createClient } from "./index.js";

const HELLO: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 50,
};
const KEY = "sk-secret-errors-0123456789";

/** A local port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function clientWith(providers: Record<string, ChatProvider>, fallbacks?: string[]) {
  return createClient({
    providers,
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
    ...(fallbacks === undefined ? {} : { fallbacks }),
  });
}

describe("createClient: errors that say the cause", () => {
  let mock: MockUpstream;
  let refused: string;
  let refusedAt: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    const port = await closedPort();
    refused = `http://127.0.0.1:${port}/v1`;
    refusedAt = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await mock.close();
  });

  it("says a refused connection could not connect, where, and what to check", async () => {
    const client = clientWith({
      openai: createOpenAICompatibleProvider({ baseUrl: refused, apiKey: KEY }),
    });
    const error = await failureOf(() => client.chat(HELLO));
    expect(error.code).toBe("provider_error");
    expect(error.message).toBe(
      `gpt-4o-mini: could not connect to openai at ${refusedAt} (ECONNREFUSED) after 3 attempts: is the server running? Check its baseUrl.`,
    );
    expect(error.message).not.toMatch(/fallback/i);
    expect(error.message).not.toContain(KEY);
  });

  it("says a host that does not resolve is a DNS failure", async () => {
    // Node's fetch rejects this way when getaddrinfo fails; no DNS server is asked in tests.
    const dnsFailure: typeof fetch = async () => {
      const cause = Object.assign(new Error("getaddrinfo ENOTFOUND api.tokenwise.invalid"), {
        code: "ENOTFOUND",
        hostname: "api.tokenwise.invalid",
      });
      throw new TypeError("fetch failed", { cause });
    };
    const client = clientWith({
      openai: createOpenAICompatibleProvider({
        baseUrl: "https://api.tokenwise.invalid/v1",
        apiKey: KEY,
        fetch: dnsFailure,
      }),
    });
    const error = await failureOf(() => client.chat(HELLO));
    expect(error.message).toBe(
      'gpt-4o-mini: could not resolve the host of openai "api.tokenwise.invalid" (ENOTFOUND) after 3 attempts: check its baseUrl and your DNS.',
    );
  });

  it("says repeated 500s are HTTP 500 from the provider, and how many times", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 500, message: "boom", times: 3 }] });
    const client = clientWith({
      openai: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: KEY }),
    });
    const error = await failureOf(() => client.chat(HELLO));
    expect(error).toMatchObject({ code: "provider_error", details: { status: 500 } });
    expect(error.message).toBe(
      "gpt-4o-mini: HTTP 500 provider_error from openai 3 times: the provider is failing; try again later or configure fallbacks.",
    );
    expect(error.message).not.toMatch(/fallback candidate/);
  });

  it("lists each candidate's own reason when fallbacks were configured", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 503, times: 3 }] });
    const client = clientWith(
      {
        openai: createOpenAICompatibleProvider({ baseUrl: refused, apiKey: KEY }),
        anthropic: createAnthropicProvider({ baseUrl: mock.url, apiKey: KEY }),
      },
      ["claude-haiku-4-5"],
    );
    const error = await failureOf(() => client.chat(HELLO));
    expect(error.message).toBe(
      "All 2 models failed (the request's model and its fallbacks): " +
        `gpt-4o-mini (openai): could not connect to openai at ${refusedAt} (ECONNREFUSED) after 3 attempts: is the server running? Check its baseUrl; ` +
        "claude-haiku-4-5 (anthropic): HTTP 503 provider_error from anthropic 3 times: the provider is failing; try again later or configure fallbacks.",
    );
    expect(error.message).not.toContain(KEY);
  });
});
