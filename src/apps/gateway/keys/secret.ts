/**
 * Virtual-key secrets: generated from the operating system's CSPRNG, stored only as SHA-256
 * hex, and compared in constant time so response timing says nothing about a secret.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { describeValue } from "../../../core/errors/index.js";

/** Every virtual-key secret starts with this, so people and secret scanners can spot one. */
export const SECRET_PREFIX = "tw-";

const SECRET_BYTES = 32;
const SECRET_SHAPE = /tw-[A-Za-z0-9_-]{43}/;
const HINT_CHARACTERS = 4;

/**
 * A new secret: "tw-" and 32 random bytes in base64url (43 characters, 256 bits).
 *
 * @example
 * ```ts
 * generateSecret(); // "tw-3q2dY...": show it once, store hashSecret(it)
 * ```
 */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString("base64url")}`;
}

/**
 * The SHA-256 of a secret as lower-case hex: what registries store and look keys up by.
 *
 * @example
 * ```ts
 * hashSecret("tw-abc").length; // 64
 * ```
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/**
 * The short, non-secret start of a secret people use to tell keys apart ("tw-3q2d…"): 4 of
 * the 43 random characters, 24 of the 256 bits.
 *
 * @example
 * ```ts
 * secretHint("tw-3q2dYx..."); // "tw-3q2d…"
 * ```
 */
export function secretHint(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + HINT_CHARACTERS)}…`;
}

/**
 * True when two secrets are equal, in time that depends on neither: both are hashed first, so
 * even their lengths stay hidden.
 *
 * @example
 * ```ts
 * secretsEqual(presented, masterKey);
 * ```
 */
export function secretsEqual(presented: string, expected: string): boolean {
  return hashesEqual(hashSecret(presented), hashSecret(expected));
}

/**
 * Constant-time equality of two SHA-256 hex digests.
 *
 * @example
 * ```ts
 * hashesEqual(hashSecret(secret), storedHash);
 * ```
 */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * True when `text` contains something shaped like a virtual-key secret, so error messages can
 * leave it out even when a caller pasted a secret where a name belongs.
 *
 * @example
 * ```ts
 * looksLikeSecret(generateSecret()); // true
 * looksLikeSecret("ci-bot"); // false
 * ```
 */
export function looksLikeSecret(text: unknown): boolean {
  return typeof text === "string" && SECRET_SHAPE.test(text);
}

/**
 * `describeValue` for error messages about keys: a value shaped like a secret is not shown.
 *
 * @example
 * ```ts
 * describeKeyInput(generateSecret()); // "a value shaped like a secret (not shown)"
 * ```
 */
export function describeKeyInput(value: unknown): string {
  return looksLikeSecret(value) ? "a value shaped like a secret (not shown)" : describeValue(value);
}
