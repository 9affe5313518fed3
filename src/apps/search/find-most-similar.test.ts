import { describe, expect, it } from "vitest";
import { recordingTopicEmbedder } from "../../adapters/embeddings/test-support/tiny-word-vectors.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { arrangeForAttention, findMostSimilar, rankByRelevance } from "./find-most-similar.js";

const DOCUMENTS = [
  "The bank raised the price", // money
  "A kitten and a cat", // animals (2 animal words)
  "Drive the truck", // vehicles
  "My dog is a good pet", // animals
  "The bank raised the price", // duplicate
];

describe("findMostSimilar", () => {
  it("returns the top 3 by cosine, keeping each document's position", async () => {
    const embedder = recordingTopicEmbedder();
    const best = await findMostSimilar("puppy", DOCUMENTS, { embedder });
    expect(best.map((match) => match.index)).toEqual([1, 3, 0]);
    // Two animal words plus three unknown ones (0.01 each on the last axis).
    expect(best[0]).toEqual({
      document: "A kitten and a cat",
      index: 1,
      score: expect.closeTo(2 / Math.hypot(2, 0.03), 6),
    });
    expect(best[2]?.score).toBe(0);
  });

  it("embeds the query and each distinct document in one call", async () => {
    const embedder = recordingTopicEmbedder();
    await findMostSimilar("money", DOCUMENTS, { embedder, topK: 2 });
    expect(embedder.calls).toEqual([["money", ...DOCUMENTS.slice(0, 4)]]);
  });

  it("gives duplicates the same score and orders ties by position", async () => {
    const ranked = await findMostSimilar("cost", DOCUMENTS, {
      embedder: recordingTopicEmbedder(),
      topK: 2,
    });
    expect(ranked.map((match) => match.index)).toEqual([0, 4]);
    expect(ranked[0]?.score).toBe(ranked[1]?.score);
  });

  it("fails clearly for a query the model cannot place", async () => {
    const error = await findMostSimilar("1234", DOCUMENTS, {
      embedder: recordingTopicEmbedder(),
    }).catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    expect((error as Error).message).toMatch(
      /^query has no vector: test-topic-embedder returned all zeros for it/,
    );
  });

  it("validates its input", async () => {
    const embedder = recordingTopicEmbedder();
    await expect(findMostSimilar("cat", ["ok", " "], { embedder })).rejects.toThrow(
      "documents[1] must be non-empty text",
    );
    await expect(findMostSimilar("cat", DOCUMENTS, { embedder, topK: 0 })).rejects.toThrow(
      "topK must be a positive integer, got 0",
    );
    await expect(findMostSimilar("cat", DOCUMENTS, {} as { embedder: never })).rejects.toThrow(
      /^embedder must be an Embedder/,
    );
    expect(await findMostSimilar("cat", [], { embedder })).toEqual([]);
    expect(embedder.calls).toEqual([]);
  });
});

describe("rankByRelevance and arrangeForAttention", () => {
  it("ranks every document, then puts the best at the edges of the prompt", async () => {
    const embedder = recordingTopicEmbedder();
    const ranked = await rankByRelevance("kitten", DOCUMENTS, { embedder });
    expect(ranked.map((match) => match.index)).toEqual([1, 3, 0, 2, 4]);
    const arranged = await arrangeForAttention("kitten", DOCUMENTS, { embedder });
    // Ranks 1..5 land as [r1, r3, r5, r4, r2].
    expect(arranged.map((match) => match.index)).toEqual([1, 0, 4, 2, 3]);
  });
});
