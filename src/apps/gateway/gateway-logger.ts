/**
 * Structured JSON-line logs. Secrets never reach a line: the gateway only logs fields it
 * chose (never headers or bodies), and every string is scrubbed of the configured secrets and
 * of anything shaped like a bearer token or provider key before it is written.
 */
import { toDecimalString } from "../../core/money/index.js";

export type LogLevel = "info" | "warn" | "error";

export interface GatewayLogger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

const TOKEN_SHAPES = [
  /Bearer\s+[^\s"',]+/gi,
  /\b(sk|tw|pk|rk)-[A-Za-z0-9_-]{6,}/g,
  /\bsk-ant-[A-Za-z0-9_-]+/g,
];

/**
 * `secret` replaced by "[redacted]" wherever it occurs, and bearer tokens and key-shaped
 * strings too.
 *
 * @example
 * ```ts
 * scrubSecrets("auth Bearer tw-abc123xyz failed", []); // "auth [redacted] failed"
 * ```
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, "[redacted]");
  return out;
}

/**
 * A logger writing one JSON object per line to `write` (default: stderr, the lines of one turn
 * of the event loop in one write, and whatever is left when the process exits). Money (bigint
 * picodollars) is written as decimal dollars.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger({ secrets: [process.env.OPENAI_API_KEY ?? ""] });
 * logger.log("info", "request", { status: 200, durationMs: 12 });
 * // {"time":"2026-12-03T15:00:00.000Z","level":"info","msg":"request","status":200,"durationMs":12}
 * ```
 */
export function createJsonLogger(
  options: { write?: (line: string) => void; secrets?: readonly string[] } = {},
): GatewayLogger {
  const write = options.write ?? batchedStderr();
  const secrets = (options.secrets ?? []).filter((secret) => secret !== "");
  const scrub = secretScrubber(secrets);
  return {
    log(level, message, fields = {}) {
      const entry: Record<string, unknown> = {
        time: new Date().toISOString(),
        level,
        msg: scrub(message),
      };
      for (const name in fields) entry[name] = loggable(fields[name], scrub);
      write(`${JSON.stringify(entry)}\n`);
    },
  };
}

/** {@link TOKEN_SHAPES} as one pattern's alternatives (the Bearer one in any case). */
const TOKEN_SHAPES_SOURCE = String.raw`[Bb][Ee][Aa][Rr][Ee][Rr]\s+[^\s"',]+|\b(?:sk|tw|pk|rk)-[A-Za-z0-9_-]{6,}|\bsk-ant-[A-Za-z0-9_-]+`;

/**
 * {@link scrubSecrets} for one logger: its secrets and the token shapes in one pattern (one
 * pass over each string), and strings too short to hold any of them returned as they are.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  // Longest first, so a secret that contains another is replaced whole.
  const escaped = secrets
    .filter((secret) => secret.length >= 4)
    .sort((a, b) => b.length - a.length)
    .map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp([...escaped, TOKEN_SHAPES_SOURCE].join("|"), "g");
  return (text) => (text.length < 4 ? text : text.replace(pattern, "[redacted]"));
}

/** A field as logged: strings scrubbed, bigints (money) as decimal dollars, inside objects too. */
function loggable(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (typeof value === "bigint") return toDecimalString(value);
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => loggable(item, scrub));
  const copy: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) copy[name] = loggable(item, scrub);
  return copy;
}

/**
 * Writes to stderr, gathering the lines of one turn of the event loop into one write (one
 * system call instead of one per line); what is still gathered when the process exits is
 * written then.
 */
function batchedStderr(): (line: string) => void {
  let pending = "";
  const flush = () => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    process.stderr.write(text);
  };
  process.once("exit", flush);
  return (line) => {
    if (pending === "") setImmediate(flush);
    pending += line;
    if (pending.length >= 65_536) flush();
  };
}
