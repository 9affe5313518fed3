import { describe, expect, it } from "vitest";
import { utf8ByteLength } from "./utf8-byte-length.js";

const encoder = new TextEncoder();

describe("utf8ByteLength", () => {
  it("counts 1, 2, 3 and 4-byte characters", () => {
    expect(utf8ByteLength("")).toBe(0);
    expect(utf8ByteLength("abc")).toBe(3);
    expect(utf8ByteLength("é")).toBe(2);
    expect(utf8ByteLength("お誕生日")).toBe(12);
    expect(utf8ByteLength("🤖")).toBe(4);
    expect(utf8ByteLength("👩‍👩‍👧")).toBe(18);
  });

  it("counts a lone surrogate as the 3 bytes of U+FFFD, like TextEncoder", () => {
    expect(utf8ByteLength("a\ud800b")).toBe(5);
    expect(utf8ByteLength("\udc00")).toBe(3);
    expect(utf8ByteLength("\ud83e")).toBe(3);
  });

  it("agrees with TextEncoder on mixed text", () => {
    const samples = [
      "héllo wörld",
      "e\u0301\u0302",
      "Ω≈ç√∫",
      "a\ud800\ud800\udc00z",
      "🏳️‍🌈 x",
      "\u3000\u00a0",
    ];
    for (const sample of samples) {
      expect(utf8ByteLength(sample)).toBe(encoder.encode(sample).length);
    }
  });
});
