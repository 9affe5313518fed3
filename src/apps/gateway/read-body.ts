import type { IncomingMessage } from "node:http";
import { GatewayError } from "./gateway-failure.js";

/**
 * Reads and parses a JSON request body, refusing (413) one over `maxBytes` before reading it
 * all, and (408) one that does not arrive within `timeoutMs` (slow clients hold no more than
 * one timer and the bytes allowed).
 *
 * @example
 * ```ts
 * const body = await readJsonBody(req, { maxBytes: 4 << 20, timeoutMs: 30_000 });
 * ```
 */
export function readJsonBody(
  req: IncomingMessage,
  options: { maxBytes: number; timeoutMs: number; allowEmpty?: boolean },
): Promise<unknown> {
  const { maxBytes, timeoutMs } = options;
  const tooLarge = () =>
    new GatewayError({
      status: 413,
      kind: "too_large",
      message: `Request body too large: the limit is ${maxBytes} bytes (defaults.maxBodyBytes in the gateway config).`,
    });
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: GatewayError | undefined, value?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      finish(
        new GatewayError({
          status: 408,
          kind: "invalid_request",
          message: `Request body not received within ${timeoutMs} ms (defaults.requestTimeoutMs); send the whole body promptly.`,
        }),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => {
      const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString(
        "utf8",
      );
      if (!/\S/.test(text)) {
        if (options.allowEmpty === true) {
          finish(undefined, undefined);
          return;
        }
        finish(
          new GatewayError({
            status: 400,
            kind: "invalid_request",
            message: "Request body is empty: send a JSON object.",
          }),
        );
        return;
      }
      try {
        finish(undefined, JSON.parse(text));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        finish(
          new GatewayError({
            status: 400,
            kind: "invalid_request",
            message: `Malformed JSON in the request body: ${reason}.`,
          }),
        );
      }
    };
    const onError = () => {
      finish(
        new GatewayError({
          status: 400,
          kind: "invalid_request",
          message: "The request body could not be read.",
        }),
      );
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
