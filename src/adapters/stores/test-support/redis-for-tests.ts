/**
 * Finds the Redis the integration tests use. When it does not answer, the Redis suites fail
 * under CI (CI=true) with a clear message, and are skipped only on a developer machine.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, it } from "vitest";

export const REDIS_TEST_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** The URL without its credentials, for messages. */
function redactedUrl(): string {
  try {
    const url = new URL(REDIS_TEST_URL);
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return "REDIS_URL (unparseable)";
  }
}

async function probe(): Promise<string | undefined> {
  const client = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let connectionError: Error | undefined;
  client.on("error", (error: Error) => {
    connectionError = error;
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return (connectionError ?? (error instanceof Error ? error : new Error(String(error)))).message;
  } finally {
    client.disconnect();
  }
}

const unreachableReason = await probe();
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";

/** A fresh client for one test; quit it in cleanup. */
export function newRedisClient(): Redis {
  return new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
}

/** A key prefix no other run or test shares. */
export function uniqueRedisPrefix(label: string): string {
  return `tokenwise-test:${label}:${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteRedisPrefix(client: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\^]/g, (character) => `\\${character}`)}*`;
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== "0");
}

/**
 * `describe` for suites that need Redis.
 *
 * @example
 * ```ts
 * describeWithRedis("redis store", () => { it("...", async () => {}); });
 * ```
 */
export function describeWithRedis(name: string, suite: () => void): void {
  if (unreachableReason === undefined) {
    describe(name, suite);
  } else if (inCi) {
    describe(name, () => {
      it("needs Redis", () => {
        throw new Error(
          `Redis is not reachable at ${redactedUrl()} (${unreachableReason}). CI=true requires it: ` +
            "start redis-server on 127.0.0.1:6379 or set REDIS_URL.",
        );
      });
    });
  } else {
    describe.skip(
      `${name} (skipped: Redis not reachable at ${redactedUrl()}; CI would fail)`,
      suite,
    );
  }
}
