/**
 * The compact stored form of an embedding: a 4-byte header, then the vector as little-endian
 * float32 (4 bytes per dimension, a quarter of the size of JSON numbers, and exact).
 *
 * Header: byte 0 is the format (1); byte 1 says how the vector was made from the text
 * (see {@link EmbeddingDerivation}); bytes 2 and 3 are zero.
 */

/**
 * How a stored vector relates to its text: embedded whole, or (for a text over the model's
 * input limit) embedded from its first tokens, or averaged over chunks.
 */
export type EmbeddingDerivation = "whole" | "truncated" | "chunk-average";

const FORMAT = 1;
const HEADER_BYTES = 4;
const DERIVATIONS: readonly EmbeddingDerivation[] = ["whole", "truncated", "chunk-average"];

/**
 * @example
 * ```ts
 * const bytes = encodeEmbedding(new Float32Array([0.1, 0.2]), "whole"); // 12 bytes
 * decodeEmbedding(bytes); // { vector: Float32Array [0.1, 0.2], derivation: "whole" }
 * ```
 */
export function encodeEmbedding(vector: Float32Array, derivation: EmbeddingDerivation): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + vector.length * 4);
  bytes[0] = FORMAT;
  bytes[1] = DERIVATIONS.indexOf(derivation);
  // DataView fixes the byte order, so a store shared by machines of any endianness agrees.
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < vector.length; index++) {
    view.setFloat32(HEADER_BYTES + index * 4, vector[index] as number, true);
  }
  return bytes;
}

/**
 * The vector and its derivation, or undefined for bytes this format did not write.
 *
 * @example
 * ```ts
 * decodeEmbedding(new Uint8Array([9, 9, 9])); // undefined
 * ```
 */
export function decodeEmbedding(
  bytes: Uint8Array,
): { vector: Float32Array; derivation: EmbeddingDerivation } | undefined {
  if (bytes.byteLength < HEADER_BYTES || (bytes.byteLength - HEADER_BYTES) % 4 !== 0) {
    return undefined;
  }
  const derivation = DERIVATIONS[bytes[1] as number];
  if (bytes[0] !== FORMAT || derivation === undefined || bytes[2] !== 0 || bytes[3] !== 0) {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array((bytes.byteLength - HEADER_BYTES) / 4);
  for (let index = 0; index < vector.length; index++) {
    vector[index] = view.getFloat32(HEADER_BYTES + index * 4, true);
  }
  return { vector, derivation };
}
