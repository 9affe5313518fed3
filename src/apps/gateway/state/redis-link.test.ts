import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../../core/errors/index.js";
import { isConnectionFailure, openRedisLink, type RedisLink } from "./redis-link.js";
import {
  type PrivateRedis,
  privateRedisUnavailable,
  startPrivateRedis,
} from "./test-support/private-redis.js";

const unavailable = privateRedisUnavailable();

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(unavailable !== undefined)("openRedisLink (private redis-server)", () => {
  let redis: PrivateRedis;
  let link: RedisLink;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    link = await openRedisLink({ url: redis.url, timeoutMs: 300 });
  });

  afterAll(async () => {
    await link?.close();
    await redis?.stop();
  });

  it("says Redis is down as soon as it goes away, fails commands at once, and comes back", async () => {
    const changes: boolean[] = [];
    link.onChange((up) => changes.push(up));
    expect(link.up()).toBe(true);
    expect(await link.client.ping()).toBe("PONG");
    await redis.stop();
    await until(() => !link.up());
    expect(link.downSince()).toBeTypeOf("number");
    // No offline queue: a command while disconnected is refused, never left waiting.
    const failure = await link.client.get("anything").catch((error: unknown) => error);
    expect(isConnectionFailure(failure)).toBe(true);
    expect(link.failed(failure)).toBe(true);
    await redis.start();
    expect(await link.waitUntilUp(10_000)).toBe(true);
    expect(link.downSince()).toBeUndefined();
    expect(changes).toEqual([false, true]);
  });

  it("counts a hung Redis as down after a command times out, until a PING answers", async () => {
    redis.pause();
    try {
      const failure = await link.client.get("anything").catch((error: unknown) => error);
      expect(String(failure)).toContain("Command timed out");
      expect(link.failed(failure)).toBe(true);
      // A slow reply alone does not make Redis down: the PING sent to check must time out too.
      expect(link.up()).toBe(true);
      await until(() => !link.up());
    } finally {
      redis.resume();
    }
    expect(await link.waitUntilUp(10_000)).toBe(true);
  });

  it("keeps Redis up after one slow reply when the PING that checks it answers", async () => {
    const slow = Object.assign(new Error("Command timed out"), {});
    expect(link.failed(slow)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(link.up()).toBe(true);
  });

  it("tells a wrong command from a missing Redis", async () => {
    const wrong = await link.client.call("NO-SUCH-COMMAND").catch((error: unknown) => error);
    expect(isConnectionFailure(wrong)).toBe(false);
    expect(link.failed(wrong)).toBe(false);
    expect(link.up()).toBe(true);
  });

  it("refuses to open when nothing answers, naming the address and never the password", async () => {
    await redis.stop();
    try {
      const refused = await openRedisLink({
        url: `redis://:hunter2-secret@127.0.0.1:${redis.port}`,
        timeoutMs: 200,
        connectTimeoutMs: 500,
      }).catch((error: unknown) => error);
      expect(TokenwiseError.hasCode(refused, "store_error")).toBe(true);
      expect((refused as Error).message).toContain(
        `Redis at 127.0.0.1:${redis.port} did not answer`,
      );
      expect((refused as Error).message).not.toContain("hunter2");
    } finally {
      await redis.start();
    }
    expect(await link.waitUntilUp(10_000)).toBe(true);
  });
});
