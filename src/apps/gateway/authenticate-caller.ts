import type { IncomingHttpHeaders } from "node:http";
import { GatewayError } from "./gateway-failure.js";
import type { KeyRegistry, Team, VirtualKey } from "./keys/types.js";

/** The caller behind a request: its virtual key and the key's team. */
export interface Caller {
  key: VirtualKey;
  team: Team | undefined;
}

/**
 * The virtual key a request carries: `Authorization: Bearer <key>` (OpenAI clients) or
 * `x-api-key: <key>` (Anthropic clients). Missing, unknown, revoked or expired keys get a
 * 401 that never repeats the secret.
 *
 * @example
 * ```ts
 * const { key, team } = await authenticateCaller(req.headers, registry);
 * ```
 */
export async function authenticateCaller(
  headers: IncomingHttpHeaders,
  registry: KeyRegistry,
): Promise<Caller> {
  const secret = secretOf(headers);
  if (secret === undefined) {
    throw new GatewayError({
      status: 401,
      kind: "authentication",
      message:
        "Missing API key: send your tokenwise virtual key as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
    });
  }
  const key = await registry.authenticate(secret);
  if (key === undefined) {
    throw new GatewayError({
      status: 401,
      kind: "authentication",
      message:
        "Invalid API key: this virtual key is unknown, revoked, or was rotated past its grace period. Ask an administrator for a current key (tokenwise keys list).",
    });
  }
  const team = key.team === undefined ? undefined : await registry.getTeam(key.team);
  return { key, team };
}

function secretOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  const apiKey = headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.trim() !== "") return apiKey.trim();
  return undefined;
}
