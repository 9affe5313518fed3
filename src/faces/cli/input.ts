/**
 * Reads the text a command works on: from arguments, from `--file` paths (or "-" for stdin),
 * or from stdin when it is piped. Bytes must be UTF-8 text (see utf8-text-decoder.ts); empty
 * input, missing files, directories and a second read of stdin are clear errors. Inputs can be
 * read whole ({@link readInputs}) or as a stream of text parts ({@link streamInputs}), which
 * keeps memory bounded for big inputs.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { TokenwiseError } from "../../core/errors/index.js";
import { createUtf8TextDecoder } from "./utf8-text-decoder.js";

export interface InputSources {
  args: string[];
  files?: string[];
  stdin?: NodeJS.ReadStream;
  /**
   * The command's `--force`: true replaces invalid UTF-8 with U+FFFD and accepts NUL bytes;
   * false refuses them and names `--force`; absent (a command without the flag) refuses them.
   */
  force?: boolean;
}

export interface InputText {
  text: string;
  /** Where the text came from, for messages ("argument", a path, "stdin"). */
  source: string;
}

/** One input read in parts: iterate `parts()` once; it throws when the input is empty. */
export interface InputStream {
  source: string;
  parts(): AsyncIterable<string>;
}

type ByteSource = AsyncIterable<Uint8Array | string>;

/** Bytes read from a file at a time. */
const READ_CHUNK_BYTES = 1 << 16;

/**
 * The inputs the user gave, not read yet. Each file is a separate input; all arguments
 * together form one; with neither, piped stdin is the input.
 */
export function streamInputs(sources: InputSources): InputStream[] {
  const stdin = sources.stdin ?? process.stdin;
  const files = sources.files ?? [];
  if (files.filter((path) => path === "-").length > 1) {
    throw new TokenwiseError(
      "invalid_input",
      "--file - was given more than once, but stdin can be read only once: pass - once",
      { details: { field: "--file" } },
    );
  }
  const inputs: InputStream[] = [];
  if (sources.args.length > 0) {
    const text = sources.args.join(" ");
    inputs.push({ source: "argument", parts: () => nonEmpty("argument", [text]) });
  }
  for (const path of files) {
    const source = path === "-" ? "stdin" : path;
    const bytes = path === "-" ? () => stdin as ByteSource : () => fileBytes(path);
    inputs.push({ source, parts: () => nonEmpty(source, decoded(source, bytes, sources.force)) });
  }
  if (inputs.length === 0) {
    if (stdin.isTTY) {
      throw new TokenwiseError(
        "invalid_input",
        "no input: pass text as an argument, --file PATH, or pipe text on stdin",
      );
    }
    inputs.push({
      source: "stdin",
      parts: () =>
        nonEmpty(
          "stdin",
          decoded("stdin", () => stdin as ByteSource, sources.force),
        ),
    });
  }
  return inputs;
}

/** Every input, read whole. */
export async function readInputs(sources: InputSources): Promise<InputText[]> {
  const inputs: InputText[] = [];
  for (const input of streamInputs(sources)) {
    let text = "";
    for await (const part of input.parts()) text += part;
    inputs.push({ text, source: input.source });
  }
  return inputs;
}

/** One text from all inputs (files joined by a blank line). */
export async function readInputText(sources: InputSources): Promise<InputText> {
  const inputs = await readInputs(sources);
  if (inputs.length === 1 && inputs[0]) return inputs[0];
  return {
    text: inputs.map((input) => input.text).join("\n\n"),
    source: inputs.map((input) => input.source).join(", "),
  };
}

async function* nonEmpty(source: string, parts: Iterable<string> | AsyncIterable<string>) {
  let empty = true;
  for await (const part of parts) {
    if (part === "") continue;
    empty = false;
    yield part;
  }
  if (empty) throw new TokenwiseError("invalid_input", `input from ${source} is empty`);
}

async function* decoded(
  source: string,
  bytes: () => ByteSource | Promise<ByteSource>,
  force: boolean | undefined,
): AsyncGenerator<string> {
  const decoder = createUtf8TextDecoder({
    source,
    ...(force === undefined ? {} : { force }),
  });
  for await (const chunk of await bytes()) {
    yield decoder.decode(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  yield decoder.end();
}

async function fileBytes(path: string): Promise<ByteSource> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new TokenwiseError("invalid_input", `${path} is a directory; pass a file`);
    }
  } catch (error) {
    throw fileError(path, error);
  }
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  return (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      throw fileError(path, error);
    }
  })();
}

function fileError(path: string, error: unknown): TokenwiseError {
  if (TokenwiseError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    return new TokenwiseError(
      "not_found",
      `file not found: ${path} (check the path or pipe text on stdin)`,
    );
  }
  if (code === "EISDIR") {
    return new TokenwiseError("invalid_input", `${path} is a directory; pass a file`);
  }
  return new TokenwiseError("invalid_input", `cannot read ${path}: ${code ?? String(error)}`);
}
