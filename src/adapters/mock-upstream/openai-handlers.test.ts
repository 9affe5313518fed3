import { describe, expect, it } from "vitest";
import { defaultMockBehavior } from "./mock-behavior.js";
import { MockRequestError } from "./mock-conversation.js";
import { planReply } from "./mock-reply.js";
import { openAIChatEndpoint, openAIEmbeddingsEndpoint } from "./openai-handlers.js";
import { pseudoEmbedding } from "./pseudo-embedding.js";

const behavior = defaultMockBehavior();

describe("openAIEmbeddingsEndpoint", () => {
  it("encodes base64 as the float32 bytes of each vector", () => {
    const body = openAIEmbeddingsEndpoint.embeddingsBody(
      { model: "e", input: "hello", dimensions: 4, encoding_format: "base64" },
      behavior,
    ) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(body.data[0]?.embedding ?? "", "base64");
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect([...floats]).toEqual([...new Float32Array(pseudoEmbedding("hello", 4))]);
  });

  it("takes the behaviour's size when the request names none, and rejects non-string input", () => {
    const body = openAIEmbeddingsEndpoint.embeddingsBody(
      { model: "e", input: ["a"] },
      { ...behavior, embeddingDimensions: 5 },
    ) as { data: Array<{ embedding: number[] }> };
    expect(body.data[0]?.embedding).toHaveLength(5);
    expect(() => openAIEmbeddingsEndpoint.embeddingsBody({ input: [1] }, behavior)).toThrow(
      new MockRequestError("input: must be a string or an array of strings"),
    );
  });
});

describe("openAIChatEndpoint", () => {
  it("adds the usage chunk only when stream_options.include_usage is true", () => {
    const body = { model: "m", messages: [{ role: "user", content: "Hi" }] };
    const reply = planReply(openAIChatEndpoint.conversation(body), behavior);
    const context = { model: "m", requestNumber: 1 };
    const plain = openAIChatEndpoint.streamFrames(reply, context, body);
    const withUsage = openAIChatEndpoint.streamFrames(reply, context, {
      ...body,
      stream_options: { include_usage: true },
    });
    expect(withUsage).toHaveLength(plain.length + 1);
    expect(plain.join("")).not.toContain('"prompt_tokens"');
    expect(withUsage.at(-2)).toContain('"prompt_tokens":7');
  });
});
