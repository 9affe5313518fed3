/**
 * Reads a file as text for indexing, refusing content that is not UTF-8 text.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

export type TextFileRead =
  | { kind: "text"; text: string; contentHash: string }
  | { kind: "skipped"; reason: "binary" | "unreadable"; detail: string };

/** Bytes inspected for a NUL, as git does to tell binary from text. */
const SNIFF_BYTES = 8000;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The file's text (BOM removed) and the SHA-256 of its bytes, or why it was skipped: a NUL
 * byte in its first 8000 bytes, bytes that are not UTF-8, or a read error.
 *
 * @example
 * ```ts
 * const read = await readTextFile("README.md");
 * if (read.kind === "text") console.log(read.text.length, read.contentHash);
 * ```
 */
export async function readTextFile(path: string): Promise<TextFileRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    return { kind: "skipped", reason: "unreadable", detail: code };
  }
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) {
    return { kind: "skipped", reason: "binary", detail: "contains NUL bytes" };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: "skipped", reason: "binary", detail: "not valid UTF-8 text" };
  }
  return { kind: "text", text, contentHash: createHash("sha256").update(bytes).digest("hex") };
}
