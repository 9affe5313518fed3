import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { assertEmbedder, type Embedder, embedChecked } from "./embedder.js";

function returning(vectors: unknown, dimensions = 2): Embedder {
  return { model: "fake", dimensions, embed: async () => vectors as Float32Array[] };
}

describe("embedChecked", () => {
  it("passes good vectors through and skips the call for no texts", async () => {
    const vectors = [new Float32Array([1, 0]), new Float32Array([0, 1])];
    expect(await embedChecked(returning(vectors), ["a", "b"])).toBe(vectors);
    expect(await embedChecked(returning(undefined), [])).toEqual([]);
  });

  it("refuses the wrong number of vectors", async () => {
    const error = await embedChecked(returning([new Float32Array(2)]), ["a", "b"]).catch(
      (caught: unknown) => caught,
    );
    expect(TokenwiseError.hasCode(error, "provider_error")).toBe(true);
    expect((error as Error).message).toBe("embedding model fake returned 1 vectors for 2 texts");
  });

  it("refuses a vector of another size with mixed_embeddings", async () => {
    const error = await embedChecked(returning([new Float32Array(3)]), ["a"]).catch(
      (caught: unknown) => caught,
    );
    expect(TokenwiseError.hasCode(error, "mixed_embeddings")).toBe(true);
    expect((error as Error).message).toContain(
      "returned a vector of 3 dimensions for text 0, but it declares 2",
    );
  });

  it("refuses NaN and infinities", async () => {
    await expect(
      embedChecked(returning([new Float32Array([1, Number.NaN])]), ["a"]),
    ).rejects.toThrow("embedding model fake returned a non-finite number in the vector for text 0");
  });
});

describe("assertEmbedder", () => {
  it("names the field for anything that is not an embedder", () => {
    expect(() =>
      assertEmbedder("embedder", { model: "m", dimensions: 0, embed: () => [] }),
    ).toThrow(/^embedder must be an Embedder/);
    expect(() => assertEmbedder("embedder", undefined)).toThrow(/^embedder must be an Embedder/);
    expect(() => assertEmbedder("embedder", returning([]))).not.toThrow();
  });
});
