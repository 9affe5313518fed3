import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAuth, presentedKey } from "./mock-auth.js";
import { startMockUpstream } from "./mock-server.js";
import type { MockUpstream } from "./types.js";

const none = new URLSearchParams();
const VERSION = { "anthropic-version": "2023-06-01" };

describe("presentedKey", () => {
  it("reads each provider's key where the provider reads it, undefined when absent", () => {
    expect(presentedKey("openai", { authorization: "Bearer sk-1" }, none)).toBe("sk-1");
    expect(presentedKey("openai", { authorization: "bearer   sk-1" }, none)).toBe("sk-1");
    expect(presentedKey("openai", { "x-api-key": "sk-1" }, none)).toBeUndefined();
    expect(presentedKey("anthropic", { "x-api-key": "a-1" }, none)).toBe("a-1");
    expect(presentedKey("anthropic", { authorization: "Bearer a-1" }, none)).toBeUndefined();
    expect(presentedKey("gemini", { "x-goog-api-key": "g-1" }, none)).toBe("g-1");
    expect(presentedKey("gemini", {}, new URLSearchParams("key=g-2"))).toBe("g-2");
    expect(presentedKey("gemini", {}, none)).toBeUndefined();
  });

  it("prefers Gemini's header to its query parameter, and a repeated header's first value", () => {
    expect(
      presentedKey("gemini", { "x-goog-api-key": "g-1" }, new URLSearchParams("key=g-2")),
    ).toBe("g-1");
    expect(presentedKey("anthropic", { "x-api-key": ["a-1", "a-2"] }, none)).toBe("a-1");
  });
});

describe("checkAuth", () => {
  it("accepts any key, or none, for a provider without an expected key", () => {
    expect(checkAuth("openai", {}, none, { anthropic: "a-1" })).toBeUndefined();
    expect(checkAuth("gemini", { "x-goog-api-key": "anything" }, none, {})).toBeUndefined();
  });

  it("answers 401 naming a missing key apart from a wrong one", () => {
    const keys = { openai: "sk-1", anthropic: "a-1", gemini: "g-1" };
    expect(checkAuth("openai", { authorization: "Bearer sk-1" }, none, keys)).toBeUndefined();
    expect(checkAuth("openai", { authorization: "Bearer sk-2" }, none, keys)).toEqual({
      status: 401,
      message: "Incorrect API key provided.",
    });
    expect(checkAuth("openai", {}, none, keys)).toEqual({
      status: 401,
      message: "Missing API key.",
    });
    expect(checkAuth("anthropic", { ...VERSION, "x-api-key": "a-1" }, none, keys)).toBeUndefined();
    expect(checkAuth("anthropic", { ...VERSION, "x-api-key": "sk-1" }, none, keys)?.status).toBe(
      401,
    );
    expect(checkAuth("gemini", {}, new URLSearchParams("key=g-1"), keys)).toBeUndefined();
    expect(checkAuth("gemini", {}, new URLSearchParams("key=g-2"), keys)?.status).toBe(401);
  });

  it("requires anthropic-version before looking at the key, with or without expected keys", () => {
    const problem = { status: 400, message: "anthropic-version: header is required" };
    expect(checkAuth("anthropic", {}, none, {})).toEqual(problem);
    expect(checkAuth("anthropic", { "x-api-key": "a-1" }, none, { anthropic: "a-1" })).toEqual(
      problem,
    );
    expect(checkAuth("openai", {}, none, {})).toBeUndefined();
  });
});

describe("auth failures on the wire", () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream({
      apiKeys: { openai: "sk-1", anthropic: "a-1", gemini: "g-1" },
    });
  });
  afterAll(async () => {
    await mock.close();
  });

  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${mock.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: "{}",
    });

  it("answers each provider's wrong key in that provider's error body", async () => {
    const anthropic = await post("/v1/messages", { ...VERSION, "x-api-key": "wrong" });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toEqual({
      type: "error",
      error: { type: "authentication_error", message: "Incorrect API key provided." },
      request_id: "req_tokenwise_mock",
    });
    const gemini = await post("/v1beta/models/gemini-2.5-flash:generateContent", {});
    expect(gemini.status).toBe(401);
    expect(await gemini.json()).toEqual({
      error: { code: 401, message: "Missing API key.", status: "UNAUTHENTICATED" },
    });
    const responses = await post("/v1/responses", { authorization: "Bearer wrong" });
    expect(responses.status).toBe(401);
    expect(await responses.json()).toMatchObject({ error: { code: "invalid_api_key" } });
  });

  it("answers a missing anthropic-version 400 in Anthropic's body", async () => {
    const response = await post("/v1/messages/count_tokens", { "x-api-key": "a-1" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", message: "anthropic-version: header is required" },
    });
  });
});
