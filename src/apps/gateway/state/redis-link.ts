/**
 * The gateway's one connection to Redis, tuned to notice quickly when Redis stops answering:
 * no offline queue (a command while disconnected fails at once instead of waiting), a command
 * timeout, no retries of a command, and reconnects at most a second apart. It tracks whether
 * Redis is up, so a paid request can be refused before anything is sent, and a command that
 * failed for want of Redis marks it down until a PING answers again.
 */
import type { Redis } from "ioredis";
import {
  OPTIONAL_DEPENDENCIES,
  requireOptional,
  TokenwiseError,
} from "../../../core/errors/index.js";
import { hostOf } from "../gateway-engines.js";

export interface RedisLink {
  readonly client: Redis;
  /** "host:port", for messages (never the URL: it may hold a password). */
  readonly address: string;
  /** True while Redis answers: connected, and no command failed since the last good PING. */
  up(): boolean;
  /** Since when Redis has not answered (epoch ms); undefined while it is up. */
  downSince(): number | undefined;
  /** Why Redis last failed (a driver message, never a URL), or undefined. */
  lastError(): string | undefined;
  /**
   * Reports a failed command. When it failed for want of Redis (closed connection, timeout),
   * Redis counts as down until a PING answers; true then.
   */
  failed(error: unknown): boolean;
  /** Called with every change, up or down. */
  onChange(listener: (up: boolean) => void): void;
  /** Waits until Redis is up again, or `timeoutMs`; true when it is up. */
  waitUntilUp(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const PROBE_EVERY_MS = 200;
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Connects and waits until Redis is ready, up to `connectTimeoutMs` (default 10 s); fails with
 * a `store_error` naming the address when it does not answer by then.
 *
 * @example
 * ```ts
 * const link = await openRedisLink({ url: "redis://127.0.0.1:6379", timeoutMs: 1000 });
 * if (!link.up()) refuse();
 * ```
 */
export async function openRedisLink(options: {
  url: string;
  /** How long one command may take (the command timeout). */
  timeoutMs: number;
  connectTimeoutMs?: number;
  now?: () => number;
}): Promise<RedisLink> {
  const now = options.now ?? Date.now;
  const address = hostOf(options.url, 6379);
  const ioredis = requireOptional<typeof import("ioredis")>(OPTIONAL_DEPENDENCIES.ioredis);
  const client = new ioredis.Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(options.timeoutMs, 1000),
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(50 * times, MAX_RECONNECT_DELAY_MS),
  });
  let connected = false;
  let suspect = false;
  let closed = false;
  let downAt: number | undefined = now();
  let lastError: string | undefined;
  let wasUp = false;
  let probe: NodeJS.Timeout | undefined;
  const listeners: Array<(up: boolean) => void> = [];

  const isUp = () => connected && !suspect && !closed;
  const changed = () => {
    const up = isUp();
    if (up === wasUp) return;
    wasUp = up;
    downAt = up ? undefined : now();
    for (const listener of listeners) listener(up);
  };
  const startProbing = () => {
    if (probe !== undefined || closed) return;
    probe = setInterval(() => {
      if (!connected) return;
      client.ping().then(
        () => {
          suspect = false;
          if (probe !== undefined) clearInterval(probe);
          probe = undefined;
          changed();
        },
        (error: unknown) => {
          lastError = messageOf(error);
        },
      );
    }, PROBE_EVERY_MS);
    probe.unref();
  };

  const markSuspect = () => {
    suspect = true;
    changed();
    startProbing();
  };
  let verifying = false;
  const verify = () => {
    if (verifying) return;
    verifying = true;
    client
      .ping()
      .then(
        () => undefined,
        (error: unknown) => {
          lastError = messageOf(error);
          markSuspect();
        },
      )
      .finally(() => {
        verifying = false;
      });
  };

  // Without a listener an "error" event would crash the process; the state is tracked instead.
  client.on("error", (error: unknown) => {
    lastError = messageOf(error);
  });
  client.on("ready", () => {
    connected = true;
    changed();
  });
  for (const event of ["close", "end", "reconnecting"]) {
    client.on(event, () => {
      connected = false;
      changed();
    });
  }

  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const ready = new Promise<void>((resolve) => {
    if (connected) resolve();
    else client.once("ready", () => resolve());
  });
  client.connect().catch((error: unknown) => {
    lastError = messageOf(error);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), connectTimeoutMs);
  });
  const outcome = await Promise.race([ready, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    closed = true;
    client.disconnect();
    throw new TokenwiseError(
      "store_error",
      `Redis at ${address} did not answer within ${connectTimeoutMs / 1000} s${lastError === undefined ? "" : ` (${lastError})`}: start it, or check --redis / TOKENWISE_REDIS_URL / "state.redis".`,
      { details: { field: "redis" } },
    );
  }

  return {
    client,
    address,
    up: isUp,
    downSince: () => (isUp() ? undefined : downAt),
    lastError: () => lastError,
    failed(error) {
      if (!isConnectionFailure(error)) return false;
      lastError = messageOf(error);
      if (isTimeout(error) && connected && !suspect) {
        // One slow reply may be this process's own busy event loop: Redis counts as down only
        // if a PING right after times out (or fails) too.
        verify();
      } else {
        markSuspect();
      }
      return true;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    async waitUntilUp(timeoutMs) {
      const deadline = now() + timeoutMs;
      while (!isUp()) {
        if (now() >= deadline || closed) return false;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return true;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (probe !== undefined) clearInterval(probe);
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

const CONNECTION_FAILURE =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|Command timed out|max retries|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|socket|LOADING|connect/i;

/**
 * True when `error` (or one of its causes) says Redis could not be reached or did not answer
 * in time, rather than that a command was wrong.
 *
 * @example
 * ```ts
 * isConnectionFailure(new Error("Connection is closed.")); // true
 * ```
 */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (!(current instanceof Error)) return false;
    const code = (current as NodeJS.ErrnoException).code;
    if (
      CONNECTION_FAILURE.test(current.message) ||
      (code !== undefined && CONNECTION_FAILURE.test(code))
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function isTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (/Command timed out/i.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
