import { describe, expect, it } from "vitest";
import { startMockUpstream } from "./mock-server.js";
import { createPromptCache, presentedApiKey } from "./prompt-cache.js";

/** About `tokens` tokens of text at the mock's 4 characters per token. */
function text(tokens: number, seed = "a"): string {
  return `${seed} `.repeat(tokens * 2).slice(0, tokens * 4);
}

function openAIBody(system: string, ...turns: string[]) {
  return {
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: system },
      ...turns.map((content, index) => ({ role: index % 2 === 0 ? "user" : "assistant", content })),
    ],
  };
}

describe("createPromptCache (OpenAI and Gemini rules)", () => {
  it("reports nothing the first time and whole 128-token blocks of the repeated prefix after", () => {
    const cache = createPromptCache();
    const system = text(3000);
    const request = (body: Record<string, unknown>) =>
      cache.observe({
        provider: "openai",
        apiKey: "k1",
        model: "gpt-4o-mini",
        body,
        inputTokens: 3100,
      });
    expect(request(openAIBody(system, "first question"))).toEqual({
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
    });
    const second = request(openAIBody(system, "another question"));
    expect(second.cachedInputTokens % 128).toBe(0);
    expect(second.cachedInputTokens).toBeGreaterThanOrEqual(2944);
    expect(second.cachedInputTokens).toBeLessThanOrEqual(3072);
  });

  it("caches nothing under 1024 tokens, and nothing past a change", () => {
    const cache = createPromptCache();
    const observe = (body: Record<string, unknown>, inputTokens: number) =>
      cache.observe({ provider: "openai", apiKey: "k", model: "m", body, inputTokens })
        .cachedInputTokens;
    const short = openAIBody(text(900), "q");
    observe(short, 910);
    expect(observe(short, 910)).toBe(0);
    observe(openAIBody(text(4000, "x"), "q"), 4010);
    expect(observe(openAIBody(text(4000, "y"), "q"), 4010)).toBe(0);
  });

  it("keeps entries per API key and model, and only for the TTL (a hit refreshes it)", () => {
    let now = 0;
    const cache = createPromptCache({ ttlMs: 1000, now: () => now });
    const body = openAIBody(text(2000), "q");
    const observe = (apiKey: string, model = "m") =>
      cache.observe({ provider: "openai", apiKey, model, body, inputTokens: 2010 })
        .cachedInputTokens;
    observe("alice");
    expect(observe("bob")).toBe(0);
    expect(observe("alice", "other-model")).toBe(0);
    now = 900;
    expect(observe("alice")).toBeGreaterThan(0);
    now = 1800;
    expect(observe("alice")).toBeGreaterThan(0);
    now = 3000;
    expect(observe("alice")).toBe(0);
  });

  it("holds at most maxEntries prefix hashes", () => {
    const cache = createPromptCache({ maxEntries: 20 });
    for (let index = 0; index < 50; index++) {
      cache.observe({
        provider: "gemini",
        apiKey: "k",
        model: "gemini-2.5-flash",
        body: { contents: [{ role: "user", parts: [{ text: text(5000, String(index)) }] }] },
        inputTokens: 5010,
      });
    }
    expect(cache.size()).toBe(20);
  });

  it("rejects settings that are not whole numbers above 0", () => {
    expect(() => createPromptCache({ ttlMs: 0 })).toThrow(
      /promptCaching.ttlMs must be a whole number above 0/,
    );
  });
});

describe("createPromptCache (Anthropic rules)", () => {
  const body = (question: string, mark = true) => ({
    model: "claude-haiku-4-5",
    max_tokens: 100,
    system: [
      {
        type: "text",
        text: text(2000),
        ...(mark ? { cache_control: { type: "ephemeral" } } : {}),
      },
    ],
    messages: [{ role: "user", content: question }],
  });

  it("writes up to the breakpoint first, then reads it", () => {
    const cache = createPromptCache();
    const observe = (request: Record<string, unknown>) =>
      cache.observe({
        provider: "anthropic",
        apiKey: "k",
        model: "claude-haiku-4-5",
        body: request,
        inputTokens: 2020,
      });
    const first = observe(body("one"));
    expect(first.cachedInputTokens).toBe(0);
    expect(first.cacheWriteTokens).toBeGreaterThan(1990);
    const second = observe(body("two"));
    expect(second).toEqual({ cachedInputTokens: first.cacheWriteTokens, cacheWriteTokens: 0 });
  });

  it("caches nothing without a cache_control breakpoint", () => {
    const cache = createPromptCache();
    const observe = () =>
      cache.observe({
        provider: "anthropic",
        apiKey: "k",
        model: "m",
        body: body("q", false),
        inputTokens: 2020,
      });
    observe();
    expect(observe()).toEqual({ cachedInputTokens: 0, cacheWriteTokens: 0 });
  });

  it("reads an earlier request's breakpoint that is now inside a longer conversation", () => {
    const cache = createPromptCache();
    const turn = (messages: unknown[]) =>
      cache.observe({
        provider: "anthropic",
        apiKey: "k",
        model: "m",
        body: { system: [{ type: "text", text: text(1500) }], messages },
        inputTokens: 5000,
      });
    const marked = (content: string) => [
      { type: "text", text: content, cache_control: { type: "ephemeral" } },
    ];
    const firstTurn = turn([{ role: "user", content: marked(text(200, "u")) }]);
    expect(firstTurn.cacheWriteTokens).toBeGreaterThan(1690);
    const secondTurn = turn([
      { role: "user", content: [{ type: "text", text: text(200, "u") }] },
      { role: "assistant", content: "answer" },
      { role: "user", content: marked("follow-up") },
    ]);
    expect(secondTurn.cachedInputTokens).toBe(firstTurn.cacheWriteTokens);
    expect(secondTurn.cacheWriteTokens).toBeGreaterThan(0);
  });
});

describe("presentedApiKey", () => {
  it("reads each provider's header, and Gemini's ?key=", () => {
    const none = new URLSearchParams();
    expect(presentedApiKey("openai", { authorization: "Bearer sk-1" }, none)).toBe("sk-1");
    expect(presentedApiKey("anthropic", { "x-api-key": "a-1" }, none)).toBe("a-1");
    expect(presentedApiKey("gemini", {}, new URLSearchParams("key=g-1"))).toBe("g-1");
    expect(presentedApiKey("gemini", {}, none)).toBe("");
  });
});

describe("the mock upstream with promptCaching", () => {
  it("reports cached tokens on the wire for a repeated long prefix, on all three APIs", async () => {
    const mock = await startMockUpstream({ promptCaching: true });
    try {
      const post = async (path: string, body: unknown, headers: Record<string, string>) => {
        const response = await fetch(`${mock.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
        return (await response.json()) as Record<string, Record<string, unknown>>;
      };
      const system = text(3000);
      const openai = (question: string) =>
        post("/v1/chat/completions", openAIBody(system, question), {
          authorization: "Bearer sk-a",
        });
      expect((await openai("one")).usage?.prompt_tokens_details).toMatchObject({
        cached_tokens: 0,
      });
      const repeated = await openai("two");
      const details = repeated.usage?.prompt_tokens_details as { cached_tokens: number };
      expect(details.cached_tokens).toBeGreaterThanOrEqual(2944);
      expect(details.cached_tokens % 128).toBe(0);
      const otherKey = await post("/v1/chat/completions", openAIBody(system, "three"), {
        authorization: "Bearer sk-b",
      });
      expect(otherKey.usage?.prompt_tokens_details).toMatchObject({ cached_tokens: 0 });

      const anthropic = (question: string) =>
        post(
          "/v1/messages",
          {
            model: "claude-haiku-4-5",
            max_tokens: 50,
            system: [{ type: "text", text: system, cache_control: { type: "ephemeral" } }],
            messages: [{ role: "user", content: question }],
          },
          { "x-api-key": "sk-a", "anthropic-version": "2023-06-01" },
        );
      const written = (await anthropic("one")).usage as Record<string, number>;
      expect(written.cache_creation_input_tokens).toBeGreaterThan(2900);
      expect(written.cache_read_input_tokens).toBe(0);
      const read = (await anthropic("two")).usage as Record<string, number>;
      expect(read.cache_read_input_tokens).toBe(written.cache_creation_input_tokens);
      expect(read.cache_creation_input_tokens).toBe(0);

      const gemini = (question: string) =>
        post(
          "/v1beta/models/gemini-2.5-flash:generateContent",
          {
            systemInstruction: { parts: [{ text: system }] },
            contents: [{ role: "user", parts: [{ text: question }] }],
          },
          { "x-goog-api-key": "g-a" },
        );
      expect((await gemini("one")).usageMetadata?.cachedContentTokenCount).toBeUndefined();
      expect((await gemini("two")).usageMetadata?.cachedContentTokenCount).toBeGreaterThan(2900);
    } finally {
      await mock.close();
    }
  });

  it("reports cached tokens on the Responses API too", async () => {
    const mock = await startMockUpstream({ promptCaching: true });
    try {
      const ask = async (question: string) => {
        const response = await fetch(`${mock.url}/v1/responses`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer sk-a" },
          body: JSON.stringify({ model: "gpt-4o-mini", instructions: text(3000), input: question }),
        });
        const body = (await response.json()) as {
          usage: { input_tokens_details: { cached_tokens: number } };
        };
        return body.usage.input_tokens_details.cached_tokens;
      };
      expect(await ask("one")).toBe(0);
      expect(await ask("two")).toBeGreaterThanOrEqual(2944);
    } finally {
      await mock.close();
    }
  });

  it("leaves usage alone when prompt caching is off (the default)", async () => {
    const mock = await startMockUpstream();
    try {
      for (let index = 0; index < 2; index++) {
        const response = await fetch(`${mock.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer k" },
          body: JSON.stringify(openAIBody(text(3000), "same")),
        });
        const body = (await response.json()) as { usage: { prompt_tokens_details: unknown } };
        expect(body.usage.prompt_tokens_details).toMatchObject({ cached_tokens: 0 });
      }
    } finally {
      await mock.close();
    }
  });
});
