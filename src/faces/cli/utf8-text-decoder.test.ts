import { describe, expect, it } from "vitest";
import { randomText, seededRandom } from "../../core/tokens/test-support/random-text.js";
import { createUtf8TextDecoder, firstInvalidByte } from "./utf8-text-decoder.js";

function decodeInParts(bytes: Uint8Array, cuts: number[], force?: boolean): string {
  const decoder = createUtf8TextDecoder({
    source: "stdin",
    ...(force === undefined ? {} : { force }),
  });
  let text = "";
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    text += decoder.decode(bytes.subarray(start, cut));
    start = cut;
  }
  return text + decoder.end();
}

describe("createUtf8TextDecoder", () => {
  it("decodes text cut at any byte, inside multi-byte characters too", () => {
    const random = seededRandom(7);
    for (let sample = 0; sample < 300; sample += 1) {
      const text = randomText(random, 30)
        .replace(/[\ud800-\udfff]/g, "🤖")
        .replaceAll("\0", "");
      const bytes = new TextEncoder().encode(text);
      const cuts = Array.from({ length: 6 }, () => Math.floor(random() * (bytes.length + 1))).sort(
        (left, right) => left - right,
      );
      expect(decodeInParts(bytes, cuts)).toBe(text);
    }
  });

  it("refuses an invalid byte with its offset, across a chunk cut", () => {
    const bytes = Buffer.concat([Buffer.from("héllo "), Buffer.from([0xff]), Buffer.from(" x")]);
    expect(() => decodeInParts(bytes, [3, 6], false)).toThrow(
      "input from stdin is not valid UTF-8 text: it has an invalid byte 0xff at byte offset 7; pass --force to replace invalid bytes with U+FFFD",
    );
  });

  it("refuses a character cut short at the end, and a NUL byte", () => {
    expect(() => decodeInParts(Buffer.from([0x61, 0xe2, 0x82]), [2])).toThrow(
      "it ends inside a character (byte offset 1)",
    );
    expect(() => decodeInParts(Buffer.from("ab\0c"), [], false)).toThrow(
      "input from stdin has a NUL byte at byte offset 2, so it looks like binary data, not text; pass --force to read it anyway",
    );
  });

  it("without a --force flag to name, says how to convert instead", () => {
    expect(() => decodeInParts(Buffer.from([0x41, 0xc0, 0x80]), [])).toThrow(
      "convert it to UTF-8 first",
    );
  });

  it("with force, replaces invalid bytes with U+FFFD and keeps NUL bytes", () => {
    const bytes = Buffer.concat([
      Buffer.from("a\0"),
      Buffer.from([0xff, 0xe2, 0x82]),
      Buffer.from("b"),
    ]);
    expect(decodeInParts(bytes, [3, 4], true)).toBe("a\0\ufffd\ufffdb");
  });
});

describe("firstInvalidByte", () => {
  it("rejects overlong forms, surrogates and code points past U+10FFFF", () => {
    expect(firstInvalidByte(Buffer.from([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidByte(Buffer.from([0x61, 0xe0, 0x80, 0xaf]))).toBe(1);
    expect(firstInvalidByte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from("ok 🤖 é"))).toBe(-1);
  });
});
