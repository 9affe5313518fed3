// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const sextetOf = new Uint8Array(128).fill(255);
for (let index = 0; index < alphabet.length; index += 1)
  sextetOf[alphabet.charCodeAt(index)] = index;

/** Node's (and Bun's) native decoder, when the runtime has one. */
const nativeBuffer = (
  globalThis as { Buffer?: { from(text: string, encoding: "base64"): Uint8Array } }
).Buffer;

/**
 * Decodes standard base64 (with `=` padding) into bytes: natively where `Buffer` exists, else
 * with the portable decoder below.
 *
 * @example
 * ```ts
 * decodeBase64("aGk="); // Uint8Array [104, 105]
 * ```
 */
export function decodeBase64(text: string): Uint8Array {
  return nativeBuffer === undefined
    ? decodeBase64Portably(text)
    : nativeBuffer.from(text, "base64");
}

/** {@link decodeBase64} without `Buffer`, for runtimes that lack it. */
export function decodeBase64Portably(text: string): Uint8Array {
  let length = text.length;
  while (length > 0 && text.charCodeAt(length - 1) === 61) length -= 1;
  const bytes = new Uint8Array((length * 3) >> 2);
  let written = 0;
  let index = 0;
  for (; index + 4 <= length; index += 4) {
    const quad =
      (sextetOf[text.charCodeAt(index)]! << 18) |
      (sextetOf[text.charCodeAt(index + 1)]! << 12) |
      (sextetOf[text.charCodeAt(index + 2)]! << 6) |
      sextetOf[text.charCodeAt(index + 3)]!;
    bytes[written] = quad >> 16;
    bytes[written + 1] = (quad >> 8) & 255;
    bytes[written + 2] = quad & 255;
    written += 3;
  }
  const remaining = length - index;
  if (remaining >= 2) {
    const quad =
      (sextetOf[text.charCodeAt(index)]! << 18) | (sextetOf[text.charCodeAt(index + 1)]! << 12);
    bytes[written] = quad >> 16;
    if (remaining === 3) {
      bytes[written + 1] = ((quad | (sextetOf[text.charCodeAt(index + 2)]! << 6)) >> 8) & 255;
    }
  }
  return bytes;
}
