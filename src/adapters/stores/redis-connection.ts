/**
 * Shared Redis plumbing for the Redis engines: adopting or opening an ioredis client, checking
 * key prefixes, and running Lua scripts by SHA with a fallback when the server lost them.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { invalidInput, OPTIONAL_DEPENDENCIES, requireOptional } from "../../core/errors/index.js";

export interface RedisConnectionOptions {
  /** An ioredis client to use; the caller keeps ownership and quits it. */
  client?: Redis;
  /** A `redis://` URL to connect to; the engine owns that connection and quits it on close. */
  url?: string;
}

export interface RedisConnection {
  client: Redis;
  owned: boolean;
}

/**
 * Adopts `client` or connects to `url` (exactly one).
 *
 * @example
 * ```ts
 * const { client } = openRedisConnection({ url: "redis://127.0.0.1:6379" });
 * ```
 */
export function openRedisConnection(options: RedisConnectionOptions): RedisConnection {
  if ((options.client === undefined) === (options.url === undefined)) {
    throw invalidInput("client", "or url must be given (exactly one of them)");
  }
  if (options.client !== undefined) return { client: options.client, owned: false };
  if (typeof options.url !== "string" || !/^rediss?:\/\//.test(options.url)) {
    // The URL may hold a password: never echo it.
    throw invalidInput("url", 'must start with "redis://" or "rediss://"');
  }
  const ioredis = requireOptional<typeof import("ioredis")>(OPTIONAL_DEPENDENCIES.ioredis);
  return { client: new ioredis.Redis(options.url), owned: true };
}

/**
 * Throws `invalid_input` unless `prefix` is a non-empty namespace for keys. It must not be
 * empty: clearing an empty namespace would delete every key in the database.
 *
 * @example
 * ```ts
 * assertRedisPrefix("tokenwise:kv:"); // ok
 * ```
 */
export function assertRedisPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== "string" || prefix.length === 0) {
    throw invalidInput(
      "prefix",
      `must be a non-empty string such as "myapp:cache:", got ${String(prefix)}`,
    );
  }
}

/**
 * Escapes Redis glob characters so `SCAN MATCH` treats `text` literally.
 *
 * @example
 * ```ts
 * `${escapeRedisGlob("a*b")}*`; // "a\\*b*"
 * ```
 */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (character) => `\\${character}`);
}

/** A Lua script and its SHA-1, as `EVALSHA` wants it. */
export interface RedisScript {
  source: string;
  sha: string;
}

/**
 * Prepares a Lua script for {@link runRedisScript}.
 *
 * @example
 * ```ts
 * const echo = redisScript("return ARGV[1]");
 * ```
 */
export function redisScript(source: string): RedisScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * Runs a script by SHA, loading it first when the server does not know it (after a restart or
 * `SCRIPT FLUSH`). Lua sees its arguments as strings.
 *
 * @example
 * ```ts
 * await runRedisScript({ client, script: echo, keys: [], args: ["hi"] }); // "hi"
 * ```
 */
export async function runRedisScript(options: {
  client: Redis;
  script: RedisScript;
  keys: readonly string[];
  args: readonly string[];
}): Promise<unknown> {
  const { client, script, keys, args } = options;
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return await client.eval(script.source, keys.length, ...keys, ...args);
  }
}
