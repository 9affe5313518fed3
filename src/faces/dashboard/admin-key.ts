/** Checking the dashboard's admin key without leaking it through timing. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * True when `presented` is the admin key. Both are hashed first, so the comparison takes the
 * same time whatever their lengths and contents.
 *
 * @example
 * ```ts
 * isAdminKey("tw-admin-123", "tw-admin-123"); // true
 * ```
 */
export function isAdminKey(presented: string | undefined, adminKey: string): boolean {
  if (presented === undefined) return false;
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(adminKey));
}

/**
 * The key a request presents: `Authorization: Bearer <key>` or `x-admin-key: <key>`.
 *
 * @example
 * ```ts
 * presentedAdminKey(request); // "tw-admin-123" or undefined
 * ```
 */
export function presentedAdminKey(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
  if (bearer !== undefined && bearer !== "") return bearer;
  const header = request.headers["x-admin-key"];
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value === "" ? undefined : value;
}
