import { describe, expect, it } from "vitest";
import { routeOf } from "./mock-routes.js";

describe("routeOf", () => {
  it("maps each fixed path to its provider and operation", () => {
    const table = [
      ["/v1/chat/completions", "openai", "chat"],
      ["/v1/responses", "openai", "chat"],
      ["/v1/embeddings", "openai", "embeddings"],
      ["/v1/messages", "anthropic", "chat"],
      ["/v1/messages/count_tokens", "anthropic", "count_tokens"],
    ] as const;
    for (const [path, provider, operation] of table) {
      const route = routeOf("POST", path);
      expect({ path, provider: route?.provider, operation: route?.endpoint.operation }).toEqual({
        path,
        provider,
        operation,
      });
    }
    expect(routeOf("POST", "/v1/responses")?.endpoint).not.toBe(
      routeOf("POST", "/v1/chat/completions")?.endpoint,
    );
  });

  it("maps each Gemini method, taking the URL-decoded model from the path", () => {
    const operations = Object.fromEntries(
      ["generateContent", "streamGenerateContent", "countTokens", "batchEmbedContents"].map(
        (method) => [method, routeOf("POST", `/v1beta/models/g:${method}`)?.endpoint.operation],
      ),
    );
    expect(operations).toEqual({
      generateContent: "chat",
      streamGenerateContent: "chat",
      countTokens: "count_tokens",
      batchEmbedContents: "embeddings",
    });
    const route = routeOf("POST", "/v1beta/models/tuned%20model:generateContent");
    expect(route?.provider).toBe("gemini");
    if (route?.endpoint.operation !== "chat") throw new Error("expected a chat endpoint");
    expect(route.endpoint.conversation({ contents: [] }).model).toBe("tuned model");
  });

  it("streams Gemini only on streamGenerateContent, and only with ?alt=sse", () => {
    const stream = routeOf("POST", "/v1beta/models/g:streamGenerateContent")?.endpoint;
    const plain = routeOf("POST", "/v1beta/models/g:generateContent")?.endpoint;
    if (stream?.operation !== "chat" || plain?.operation !== "chat") {
      throw new Error("expected chat endpoints");
    }
    expect(stream.alwaysStreams).toBe(true);
    expect(plain.alwaysStreams).toBe(false);
    expect(stream.urlProblem?.(new URL("http://x/p?alt=sse"))).toBeUndefined();
    expect(stream.urlProblem?.(new URL("http://x/p"))).toBe(
      "The mock streams Gemini replies only with ?alt=sse.",
    );
    expect(plain.urlProblem?.(new URL("http://x/p"))).toBeUndefined();
  });

  it("has no route for other methods, paths, Gemini methods or inherited names", () => {
    expect(routeOf("GET", "/v1/chat/completions")).toBeUndefined();
    expect(routeOf("POST", "/v1/chat/completions/")).toBeUndefined();
    expect(routeOf("POST", "/v2/unknown")).toBeUndefined();
    expect(routeOf("POST", "/v1beta/models/g:embedContent")).toBeUndefined();
    expect(routeOf("POST", "/v1beta/models/:generateContent")).toBeUndefined();
    expect(routeOf("POST", "/v1beta/models/a/b:generateContent")).toBeUndefined();
    expect(routeOf("POST", "constructor")).toBeUndefined();
    expect(routeOf("POST", "__proto__")).toBeUndefined();
  });
});
