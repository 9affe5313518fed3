// biome-ignore-all lint/style/noNonNullAssertion: byte reads index within the lengths the loops check.
/**
 * Turns the bytes a command reads into text, refusing what is not text: invalid UTF-8 and NUL
 * bytes stop the command with the byte offset of the first one and how to go on (`--force`
 * replaces invalid bytes with U+FFFD and lets NUL bytes through). Bytes may arrive in chunks
 * cut anywhere, even inside a character.
 */
import { isUtf8 } from "node:buffer";
import { TokenwiseError } from "../../core/errors/index.js";

export interface Utf8DecoderOptions {
  /** Where the bytes come from, for messages ("stdin", a path). */
  source: string;
  /**
   * True: replace invalid bytes with U+FFFD and accept NUL bytes. False: refuse them, and say
   * to pass `--force`. Undefined: refuse them (the command has no `--force`).
   */
  force?: boolean;
}

export interface Utf8TextDecoder {
  /** The text of `chunk`, less a character cut at its end (that comes with the next chunk). */
  decode(chunk: Uint8Array): string;
  /** Whatever is left; throws when the input ended inside a character. */
  end(): string;
  /** Bytes decoded so far. */
  readonly bytes: number;
}

/**
 * A decoder for one input.
 *
 * @example
 * ```ts
 * const decoder = createUtf8TextDecoder({ source: "stdin", force: false });
 * let text = "";
 * for await (const chunk of process.stdin) text += decoder.decode(chunk);
 * text += decoder.end();
 * ```
 */
export function createUtf8TextDecoder(options: Utf8DecoderOptions): Utf8TextDecoder {
  let carry: Uint8Array = new Uint8Array(0);
  /** Byte offset of `carry[0]` in the input. */
  let offset = 0;
  let total = 0;
  const check = (bytes: Uint8Array, atEnd: boolean) => {
    if (options.force === true) return;
    const nul = bytes.indexOf(0);
    const invalid = isUtf8(bytes) ? -1 : firstInvalidByte(bytes);
    if (nul === -1 && invalid === -1) return;
    throw notText(options, bytes, offset, { nul, invalid, atEnd });
  };
  return {
    get bytes() {
      return total;
    },
    decode(chunk) {
      total += chunk.length;
      const bytes = carry.length === 0 ? chunk : concat(carry, chunk);
      const complete = bytes.length - incompleteTail(bytes);
      const head = bytes.subarray(0, complete);
      check(head, false);
      carry = bytes.slice(complete);
      const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("utf8");
      offset += complete;
      return text;
    },
    end() {
      if (carry.length === 0) return "";
      check(carry, true);
      const text = Buffer.from(carry).toString("utf8");
      carry = new Uint8Array(0);
      return text;
    },
  };
}

function notText(
  options: Utf8DecoderOptions,
  bytes: Uint8Array,
  offset: number,
  found: { nul: number; invalid: number; atEnd: boolean },
): TokenwiseError {
  const how =
    options.force === undefined
      ? "convert it to UTF-8 first (for example with iconv)"
      : "pass --force to replace invalid bytes with U+FFFD";
  const invalidFirst = found.invalid !== -1 && (found.nul === -1 || found.invalid < found.nul);
  if (invalidFirst) {
    const at = found.invalid;
    const what = found.atEnd
      ? `ends inside a character (byte offset ${offset + at})`
      : `has an invalid byte 0x${bytes[at]!.toString(16).padStart(2, "0")} at byte offset ${offset + at}`;
    return new TokenwiseError(
      "invalid_input",
      `input from ${options.source} is not valid UTF-8 text: it ${what}; ${how}`,
      { details: { field: options.source, byteOffset: offset + at } },
    );
  }
  const forceHint =
    options.force === undefined ? "pass text, not binary data" : "pass --force to read it anyway";
  return new TokenwiseError(
    "invalid_input",
    `input from ${options.source} has a NUL byte at byte offset ${offset + found.nul}, so it looks like binary data, not text; ${forceHint}`,
    { details: { field: options.source, byteOffset: offset + found.nul } },
  );
}

function concat(left: Uint8Array, right: Uint8Array): Uint8Array {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left);
  joined.set(right, left.length);
  return joined;
}

/** Length of a multi-byte character begun but not finished at the end of `bytes` (0 to 3). */
function incompleteTail(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(3, length); back += 1) {
    const byte = bytes[length - back]!;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return back < needed ? back : 0;
    }
  }
  return 0;
}

/**
 * Index of the first byte that does not start a well-formed UTF-8 sequence (no overlong forms,
 * no surrogates, nothing above U+10FFFF), or of the lead byte whose sequence is cut short.
 */
export function firstInvalidByte(bytes: Uint8Array): number {
  const length = bytes.length;
  let index = 0;
  while (index < length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let needed: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) needed = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      needed = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      needed = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    if (index + needed >= length) return index;
    const second = bytes[index + 1]!;
    if (second < low || second > high) return index;
    for (let next = 2; next <= needed; next += 1) {
      const byte = bytes[index + next]!;
      if (byte < 0x80 || byte > 0xbf) return index;
    }
    index += needed + 1;
  }
  return -1;
}
