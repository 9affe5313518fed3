import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../stores/index.js";
import { createCachedEmbedder } from "./cached-embedder.js";
import { recordingTopicEmbedder } from "./test-support/tiny-word-vectors.js";

describe("createCachedEmbedder", () => {
  it("embeds each distinct text once, whatever the call", async () => {
    const inner = recordingTopicEmbedder("topic-model", 4);
    const embedder = createCachedEmbedder({ embedder: inner, store: createMemoryStore() });
    expect(embedder.model).toBe("topic-model");
    expect(embedder.dimensions).toBe(4);
    const first = await embedder.embed(["cat", "car", "cat"]);
    const second = await embedder.embed(["car", "bank"]);
    expect(inner.calls).toEqual([["cat", "car"], ["bank"]]);
    expect(Array.from(second[0] as Float32Array)).toEqual(Array.from(first[1] as Float32Array));
    expect(embedder.stats).toEqual({ hits: 1, misses: 3, providerCalls: 2 });
  });

  it("keys by model: another model never reads these vectors", async () => {
    const store = createMemoryStore();
    const one = recordingTopicEmbedder("model-one", 4);
    const two = recordingTopicEmbedder("model-two", 4);
    await createCachedEmbedder({ embedder: one, store }).embed(["cat"]);
    await createCachedEmbedder({ embedder: two, store }).embed(["cat"]);
    expect(two.calls).toEqual([["cat"]]);
  });

  it("passes late interaction and word rows through, and adds neither when the model has none", async () => {
    const inner = {
      ...recordingTopicEmbedder("words-model", 4),
      lateInteraction: async (_query: string, texts: ReadonlyArray<string | Uint32Array>) =>
        texts.map(() => 0.5),
      wordRows: async (texts: readonly string[]) => texts.map(() => Uint32Array.of(7)),
    };
    const cached = createCachedEmbedder({ embedder: inner, store: createMemoryStore() });
    expect(await cached.lateInteraction?.("cat", ["a", "b"])).toEqual([0.5, 0.5]);
    expect((await cached.wordRows?.(["a"]))?.map((rows) => Array.from(rows))).toEqual([[7]]);
    const plain = createCachedEmbedder({
      embedder: recordingTopicEmbedder("plain", 4),
      store: createMemoryStore(),
    });
    expect(plain.lateInteraction).toBeUndefined();
    expect(plain.wordRows).toBeUndefined();
  });
});
