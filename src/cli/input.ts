/**
 * Reads the text a command works on: from arguments, from `--file` paths (or "-" for stdin),
 * or from stdin when it is piped. Empty input and missing files are clear errors.
 */
import { readFile } from "node:fs/promises";
import { TokenwiseError } from "../errors/index.js";

export interface InputSources {
  args: string[];
  files?: string[];
  stdin?: NodeJS.ReadStream;
}

export interface InputText {
  text: string;
  /** Where the text came from, for messages ("argument", a path, "stdin"). */
  source: string;
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readPath(path: string, stdin: NodeJS.ReadStream): Promise<string> {
  if (path === "-") return readStream(stdin);
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new TokenwiseError(
        "not_found",
        `file not found: ${path} (check the path or pipe text on stdin)`,
      );
    }
    if (code === "EISDIR") {
      throw new TokenwiseError("invalid_input", `${path} is a directory; pass a file`);
    }
    throw new TokenwiseError("invalid_input", `cannot read ${path}: ${code ?? String(error)}`);
  }
}

/**
 * Collects every input the user gave. Each file is a separate input; all arguments together form one.
 */
export async function readInputs(sources: InputSources): Promise<InputText[]> {
  const stdin = sources.stdin ?? process.stdin;
  const inputs: InputText[] = [];
  if (sources.args.length > 0) inputs.push({ text: sources.args.join(" "), source: "argument" });
  for (const path of sources.files ?? []) {
    inputs.push({ text: await readPath(path, stdin), source: path === "-" ? "stdin" : path });
  }
  if (inputs.length === 0) {
    if (stdin.isTTY) {
      throw new TokenwiseError(
        "invalid_input",
        "no input: pass text as an argument, --file PATH, or pipe text on stdin",
      );
    }
    inputs.push({ text: await readStream(stdin), source: "stdin" });
  }
  for (const input of inputs) {
    if (input.text.length === 0) {
      throw new TokenwiseError("invalid_input", `input from ${input.source} is empty`);
    }
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
