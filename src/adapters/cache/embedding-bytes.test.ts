import { describe, expect, it } from "vitest";
import { decodeEmbedding, encodeEmbedding } from "./embedding-bytes.js";

describe("encodeEmbedding / decodeEmbedding", () => {
  it("stores 4 header bytes then little-endian float32, 4 bytes per dimension", () => {
    const bytes = encodeEmbedding(new Float32Array([1, -2]), "chunk-average");
    expect([...bytes]).toEqual([1, 2, 0, 0, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it("round-trips every float32 exactly, including -0, tiny and huge values", () => {
    const vector = new Float32Array([0.1, -0, 1e-45, 3.4028234663852886e38, -123.456, Number.NaN]);
    const decoded = decodeEmbedding(encodeEmbedding(vector, "truncated"));
    expect(decoded?.derivation).toBe("truncated");
    expect(Object.is(decoded?.vector[1], -0)).toBe(true);
    expect([...(decoded?.vector ?? [])]).toEqual([...vector]);
  });

  it("reads from a view with an odd byte offset", () => {
    const encoded = encodeEmbedding(new Float32Array([0.5, 0.25]), "whole");
    const padded = new Uint8Array(encoded.length + 3);
    padded.set(encoded, 3);
    expect(decodeEmbedding(padded.subarray(3))?.vector).toEqual(new Float32Array([0.5, 0.25]));
  });

  it("rejects bytes it did not write", () => {
    expect(decodeEmbedding(new Uint8Array([1, 0, 0]))).toBeUndefined();
    expect(decodeEmbedding(new Uint8Array([1, 0, 0, 0, 1]))).toBeUndefined();
    expect(decodeEmbedding(new Uint8Array([2, 0, 0, 0]))).toBeUndefined();
    expect(decodeEmbedding(new Uint8Array([1, 9, 0, 0]))).toBeUndefined();
    expect(decodeEmbedding(new Uint8Array([1, 0, 0, 0]))?.vector).toEqual(new Float32Array(0));
  });
});
