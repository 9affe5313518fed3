/**
 * The channel over which replicas tell each other that keys or teams changed, so each one drops
 * what it cached about them. {@link createRedisKeyInvalidation} carries it over Redis pub/sub;
 * anything else that implements {@link KeyInvalidation} can too.
 *
 * Pub/sub is fire-and-forget: a message published while a replica is disconnected never
 * reaches it. So whenever a subscription is (re)established the channel tells its listeners
 * to drop everything, and the cache's TTL bounds what a lost message can cost.
 */
import type { Redis, RedisOptions } from "ioredis";
import { DEFAULT_POSTGRES_SCHEMA } from "../../../adapters/stores/index.js";
import {
  invalidInput,
  OPTIONAL_DEPENDENCIES,
  requireOptional,
  TokenwiseError,
} from "../../../core/errors/index.js";

/**
 * What changed: keys by id or name (ids start with "key_", names never do), teams by name, or
 * everything (`all`), for instance after a reconnect when messages may have been lost.
 */
export interface KeyInvalidationEvent {
  all?: boolean;
  keys?: readonly string[];
  teams?: readonly string[];
}

export interface KeyInvalidationStatus {
  /** True while the subscription is confirmed by the server. */
  subscribed: boolean;
  /** How many times a subscription was (re)established, each telling listeners to drop all. */
  subscriptions: number;
  /** Messages received from the channel (including this process's own). */
  received: number;
  /** The last connection or publish failure, if any (never a URL or password). */
  lastError?: string;
}

export interface KeyInvalidation {
  /** Tells every replica (this one included) what changed. Rejects when it cannot. */
  publish(event: KeyInvalidationEvent): Promise<void>;
  /**
   * Calls `listener` with every event any replica publishes, and with `{ all: true }` each time
   * the subscription is (re)established. Returns the function that unsubscribes it.
   */
  subscribe(listener: (event: KeyInvalidationEvent) => void): () => void;
  /** Resolves once the first subscription is confirmed (rejects if closed before). */
  ready(): Promise<void>;
  status(): KeyInvalidationStatus;
  close(): Promise<void>;
}

export interface RedisKeyInvalidationOptions {
  /** An ioredis client to publish with; the caller keeps it. A duplicate of it subscribes. */
  client?: Redis;
  /** A `redis://` URL to connect to; the channel owns both its connections and quits them. */
  url?: string;
  /**
   * The pub/sub channel (default {@link keyInvalidationChannel} of the default schema). Every
   * replica and `tokenwise keys` writing to one registry must use the same channel.
   */
  channel?: string;
  /** A publish that takes longer than this fails (default 2,000 ms). */
  publishTimeoutMs?: number;
  /** The subscriber connection's name in `CLIENT LIST` (default "tokenwise-key-invalidation"). */
  connectionName?: string;
  /**
   * Subscribe to the channel (default true). A writer that only publishes, such as
   * `tokenwise keys`, turns it off: no second connection, and `ready()` resolves at once.
   */
  listen?: boolean;
}

/**
 * The channel for a key registry in PostgreSQL schema `schema`: replicas of one deployment
 * share it, and deployments with different schemas on one Redis never hear each other.
 *
 * @example
 * ```ts
 * keyInvalidationChannel("tokenwise"); // "tokenwise:keys-changed:tokenwise"
 * ```
 */
export function keyInvalidationChannel(schema: string = DEFAULT_POSTGRES_SCHEMA): string {
  return `tokenwise:keys-changed:${schema}`;
}

/**
 * The event a message carries; anything that is not a well-formed event means "drop
 * everything", which is always safe.
 *
 * @example
 * ```ts
 * parseKeyInvalidation('{"keys":["key_ab"]}'); // { keys: ["key_ab"] }
 * parseKeyInvalidation("garbage"); // { all: true }
 * ```
 */
export function parseKeyInvalidation(message: string): KeyInvalidationEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { all: true };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { all: true };
  const { all, keys, teams } = parsed as Record<string, unknown>;
  if (all === true) return { all: true };
  if (!isStringList(keys ?? []) || !isStringList(teams ?? [])) return { all: true };
  const event: KeyInvalidationEvent = {};
  if (keys !== undefined) event.keys = keys as string[];
  if (teams !== undefined) event.teams = teams as string[];
  return event;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/**
 * Key invalidation over Redis pub/sub: one connection publishes, a dedicated one subscribes
 * (and resubscribes after every reconnect, telling listeners to drop everything then).
 *
 * @example
 * ```ts
 * const invalidation = createRedisKeyInvalidation({
 *   url: "redis://127.0.0.1:6379",
 *   channel: keyInvalidationChannel("tokenwise"),
 * });
 * const registry = createCachedKeyRegistry(createPostgresKeyRegistry({ url }), { invalidation });
 * ```
 */
export function createRedisKeyInvalidation(options: RedisKeyInvalidationOptions): KeyInvalidation {
  if ((options.client === undefined) === (options.url === undefined)) {
    throw invalidInput("client", "or url must be given (exactly one of them)");
  }
  const channel = options.channel ?? keyInvalidationChannel();
  if (typeof channel !== "string" || channel === "") {
    throw invalidInput("channel", 'must be a non-empty string such as "tokenwise:keys-changed"');
  }
  const publishTimeoutMs = options.publishTimeoutMs ?? 2000;
  if (!Number.isSafeInteger(publishTimeoutMs) || publishTimeoutMs <= 0) {
    throw invalidInput(
      "publishTimeoutMs",
      `must be a whole number of milliseconds above 0, got ${String(publishTimeoutMs)}`,
    );
  }
  const subscriberOptions: RedisOptions = {
    autoResubscribe: false,
    connectionName: options.connectionName ?? "tokenwise-key-invalidation",
  };
  const listen = options.listen ?? true;
  let publisher: Redis;
  let subscriber: Redis | undefined;
  const ownsPublisher = options.client === undefined;
  if (options.client !== undefined) {
    publisher = options.client;
    if (listen) subscriber = options.client.duplicate(subscriberOptions);
  } else {
    if (typeof options.url !== "string" || !/^rediss?:\/\//.test(options.url)) {
      // The URL may hold a password: never echo it.
      throw invalidInput("url", 'must start with "redis://" or "rediss://"');
    }
    const ioredis = requireOptional<typeof import("ioredis")>(OPTIONAL_DEPENDENCIES.ioredis);
    publisher = new ioredis.Redis(options.url, {
      commandTimeout: publishTimeoutMs,
      maxRetriesPerRequest: 1,
    });
    if (listen) subscriber = new ioredis.Redis(options.url, subscriberOptions);
  }

  const listeners = new Set<(event: KeyInvalidationEvent) => void>();
  const status: KeyInvalidationStatus = { subscribed: false, subscriptions: 0, received: 0 };
  let closed = false;
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const firstSubscription = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // Nobody may ever wait for it; an unobserved rejection must not crash the process.
  firstSubscription.catch(() => undefined);

  const emit = (event: KeyInvalidationEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  };
  const noteError = (error: unknown) => {
    status.lastError = error instanceof Error ? error.message : String(error);
  };

  const onError = (error: Error) => noteError(error);
  if (ownsPublisher) publisher.on("error", onError);
  if (subscriber === undefined) markReady();
  else listenOn(subscriber);

  function listenOn(subscriber: Redis) {
    subscriber.on("error", onError);
    subscriber.on("close", () => {
      status.subscribed = false;
    });
    subscriber.on("ready", () => {
      subscriber.subscribe(channel).then(
        () => {
          if (closed) return;
          status.subscribed = true;
          status.subscriptions += 1;
          // Whatever was published before this subscription (or while disconnected) is lost.
          emit({ all: true });
          markReady();
        },
        (error: unknown) => {
          noteError(error);
          // A half-open subscription would silently miss messages: reconnect and try again.
          if (!closed) subscriber.disconnect(true);
        },
      );
    });
    subscriber.on("message", (from: string, message: string) => {
      if (from !== channel || closed) return;
      status.received += 1;
      emit(parseKeyInvalidation(message));
    });
    // A client made with lazyConnect hands its duplicate the same setting.
    if (subscriber.status === "wait") subscriber.connect().catch(noteError);
  }

  return {
    async publish(event) {
      if (closed) {
        throw new TokenwiseError("store_error", "The key invalidation channel is closed");
      }
      const message = JSON.stringify(
        event.all === true ? { all: true } : { keys: event.keys ?? [], teams: event.teams ?? [] },
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${publishTimeoutMs} ms`)),
          publishTimeoutMs,
        );
      });
      try {
        await Promise.race([publisher.publish(channel, message), timeout]);
      } catch (cause) {
        // ioredis's own words for a dead connection ("max retries per request") say little.
        const reason =
          publisher.status === "ready"
            ? cause instanceof Error
              ? cause.message
              : String(cause)
            : `no connection to Redis (${status.lastError ?? publisher.status})`;
        noteError(cause);
        throw new TokenwiseError(
          "store_error",
          `Could not publish the key change to Redis channel ${channel}: ${reason}`,
          { cause },
        );
      } finally {
        clearTimeout(timer);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    ready() {
      return firstSubscription;
    },
    status() {
      return { ...status };
    },
    async close() {
      if (closed) return;
      closed = true;
      status.subscribed = false;
      listeners.clear();
      failReady(new TokenwiseError("store_error", "The key invalidation channel was closed"));
      if (subscriber !== undefined) await quit(subscriber);
      if (ownsPublisher) await quit(publisher);
    },
  };
}

/** QUIT when the server answers, else just drop the connection. */
async function quit(client: Redis): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
