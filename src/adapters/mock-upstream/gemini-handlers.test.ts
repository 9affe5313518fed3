import { describe, expect, it } from "vitest";
import { geminiEndpoint } from "./gemini-handlers.js";
import { defaultMockBehavior } from "./mock-behavior.js";
import { pseudoEmbedding } from "./pseudo-embedding.js";

const contents = [{ role: "user", parts: [{ text: "Hello there world" }] }];

describe("geminiEndpoint", () => {
  it("counts tokens of `contents` or of a whole generateContentRequest alike", () => {
    const endpoint = geminiEndpoint("g", "countTokens");
    if (endpoint.operation !== "count_tokens") throw new Error("expected count_tokens");
    const direct = endpoint.conversation({ contents });
    const wrapped = endpoint.conversation({ generateContentRequest: { contents } });
    expect(wrapped).toEqual(direct);
    expect(direct.model).toBe("g");
  });

  it("embeds each request at its own size, checking it names the path's model", () => {
    const endpoint = geminiEndpoint("gemini-embedding-001", "batchEmbedContents");
    if (endpoint.operation !== "embeddings") throw new Error("expected embeddings");
    const request = (text: string, extra: object = {}) => ({
      model: "models/gemini-embedding-001",
      content: { parts: [{ text }] },
      ...extra,
    });
    const behavior = { ...defaultMockBehavior(), embeddingDimensions: 3 };
    expect(
      endpoint.embeddingsBody(
        { requests: [request("a"), request("b", { outputDimensionality: 2 })] },
        behavior,
      ),
    ).toEqual({
      embeddings: [{ values: pseudoEmbedding("a", 3) }, { values: pseudoEmbedding("b", 2) }],
    });
    expect(() =>
      endpoint.embeddingsBody({ requests: [request("a", { model: "models/other" })] }, behavior),
    ).toThrow('requests[0].model: "models/other" does not match the model in the path');
    expect(() => endpoint.embeddingsBody({}, behavior)).toThrow("requests: field required");
  });
});
