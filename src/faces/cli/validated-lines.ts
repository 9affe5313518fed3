/**
 * Piped chat input checked as UTF-8 text before it becomes messages: text passes on only in
 * whole lines, so when an invalid byte (or a NUL byte) turns up, the lines before it have been
 * sent and nothing of the line that holds it is.
 */
import { Readable } from "node:stream";
import { createUtf8TextDecoder, type Utf8DecoderOptions } from "./utf8-text-decoder.js";

const LINE_FEED = 0x0a;

export interface ValidatedLines {
  /** The input's text, whole lines at a time, ending early at the first invalid byte. */
  stream: Readable;
  /** The error that ended the stream early, once it has ended. */
  failure(): unknown;
}

/**
 * Wraps `input` (bytes) in a stream of checked text.
 *
 * @example
 * ```ts
 * const lines = validatedLines(process.stdin, { source: "stdin", force: false });
 * await runChatRepl({ chat, input: lines.stream, ... });
 * if (lines.failure() !== undefined) throw lines.failure();
 * ```
 */
export function validatedLines(
  input: AsyncIterable<Uint8Array | string>,
  options: Utf8DecoderOptions,
): ValidatedLines {
  let failure: unknown;
  async function* lines(): AsyncGenerator<string> {
    const decoder = createUtf8TextDecoder(options);
    let pending = "";
    try {
      for await (const chunk of input) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        // A line feed byte is never inside a multi-byte character: decode line by line, so a
        // bad byte stops the input at the start of its own line.
        let start = 0;
        while (start < bytes.length) {
          const newline = bytes.indexOf(LINE_FEED, start);
          const end = newline === -1 ? bytes.length : newline + 1;
          pending += decoder.decode(bytes.subarray(start, end));
          start = end;
          if (newline !== -1) {
            yield pending;
            pending = "";
          }
        }
      }
      pending += decoder.end();
      if (pending !== "") yield pending;
    } catch (error) {
      failure = error;
    }
  }
  return { stream: Readable.from(lines(), { objectMode: false }), failure: () => failure };
}
