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
 * A logger writing one JSON object per line to `write` (default stderr). Money (bigint
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
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const secrets = (options.secrets ?? []).filter((secret) => secret !== "");
  return {
    log(level, message, fields = {}) {
      const entry = { time: new Date().toISOString(), level, msg: message, ...fields };
      const line = JSON.stringify(entry, (_key, value: unknown) => {
        if (typeof value === "string") return scrubSecrets(value, secrets);
        // Every bigint here is money in picodollars: logged as exact decimal dollars.
        if (typeof value === "bigint") return toDecimalString(value);
        return value;
      });
      write(`${line}\n`);
    },
  };
}
