// biome-ignore-all lint/style/noNonNullAssertion: tests index fixtures they just built.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPackedRanks } from "./data-files.js";
import { hashBytes, Vocabulary } from "./vocabulary.js";

/** The ranks as gpt-tokenizer ships them (data/<encoding>.tiktoken: base64 bytes, then rank). */
function installedRanks(encoding: string): Buffer[] {
  const packageJson = createRequire(import.meta.url).resolve("gpt-tokenizer/package.json");
  const path = join(dirname(packageJson), "data", `${encoding}.tiktoken`);
  const ranks: Buffer[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.length === 0) continue;
    const [base64, rank] = line.split(" ");
    ranks[Number(rank)] = Buffer.from(base64!, "base64");
  }
  return ranks;
}

describe.each([
  { encoding: "o200k_base", rankCount: 199_998 },
  { encoding: "cl100k_base", rankCount: 100_256 },
] as const)("$encoding vocabulary", ({ encoding, rankCount }) => {
  const vocabulary = new Vocabulary(readPackedRanks(encoding));
  const expected = installedRanks(encoding);

  it("holds every rank gpt-tokenizer ships, byte for byte", () => {
    expect(vocabulary.rankCount).toBe(rankCount);
    expect(expected.length).toBe(rankCount);
    for (let rank = 0; rank < rankCount; rank += 1) {
      const start = vocabulary.tokenOffsets()[rank]!;
      const actual = vocabulary.tokenBytes.subarray(
        start,
        start + vocabulary.tokenBytes[start - 1]!,
      );
      if (!expected[rank]!.equals(actual)) {
        expect({ rank, actual }).toEqual({ rank, actual: expected[rank] });
      }
    }
  });

  it("finds every token from its bytes, short keys and hashes alike", () => {
    for (let rank = 0; rank < rankCount; rank += 1) {
      const token = expected[rank]!;
      const found = vocabulary.token(token, 0, token.length, hashBytes(token, 0, token.length));
      if (found !== rank) {
        expect({ rank, found }).toEqual({ rank, found: rank });
      }
    }
  });

  it("finds nothing for bytes that are not a token", () => {
    for (const text of [
      "qzxqzxq",
      "qzxqzxqj",
      "\u00ff\u00fe\u00fd\u00fc",
      "abcdefghijklmnopqrstuvwxyz0123",
    ]) {
      const bytes = new TextEncoder().encode(text);
      expect(vocabulary.token(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length))).toBe(-1);
    }
  });

  it("maps each byte to its single-byte token, and byte pairs to theirs", () => {
    for (let byte = 0; byte < 256; byte += 1) {
      const rank = vocabulary.byteTokens[byte]!;
      expect(expected[rank]).toEqual(Buffer.from([byte]));
    }
    const pairs = new Map<string, number>();
    expected.forEach((token, rank) => {
      if (token.length === 2) pairs.set(`${token[0]},${token[1]}`, rank);
    });
    for (let first = 0; first < 256; first += 1) {
      for (let second = 0; second < 256; second += 1) {
        expect(vocabulary.pairToken(first, second)).toBe(pairs.get(`${first},${second}`) ?? -1);
      }
    }
  });
});
