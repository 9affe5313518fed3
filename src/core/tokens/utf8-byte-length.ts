/**
 * Number of bytes `text` takes in UTF-8, computed without allocating an encoded copy.
 *
 * A lone surrogate counts 3 bytes, because `TextEncoder` (and so every tokenizer here)
 * writes it as U+FFFD.
 *
 * @example
 * ```ts
 * utf8ByteLength("héllo"); // 6
 * utf8ByteLength("🤖"); // 4
 * ```
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes += 1;
    } else if (code < 0x800) {
      bytes += 2;
    } else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
