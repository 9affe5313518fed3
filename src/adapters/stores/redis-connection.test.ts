import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  assertRedisPrefix,
  escapeRedisGlob,
  openRedisConnection,
  redisScript,
  runRedisScript,
} from "./redis-connection.js";
import { describeWithRedis, newRedisClient } from "./test-support/redis-for-tests.js";

describe("escapeRedisGlob", () => {
  it("escapes every glob metacharacter", () => {
    expect(escapeRedisGlob("a*b?c[d]e\\f^g")).toBe("a\\*b\\?c\\[d\\]e\\\\f\\^g");
  });
});

describe("openRedisConnection", () => {
  it("needs exactly one of client and url, and never echoes the url", () => {
    expect(() => openRedisConnection({})).toThrow(/client or url must be given/);
    expect(() => openRedisConnection({ url: "http://user:hunter2@host" })).toThrow(
      /url must start with "redis:\/\/"/,
    );
    try {
      openRedisConnection({ url: "http://user:hunter2@host" });
    } catch (error) {
      expect(String(error)).not.toContain("hunter2");
    }
  });

  it("refuses an empty prefix", () => {
    expect(() => assertRedisPrefix("")).toThrow(/prefix must be a non-empty string/);
  });
});

describeWithRedis("runRedisScript", () => {
  const client = newRedisClient();

  afterAll(async () => {
    await client.quit();
  });

  it("loads a script the server has never seen, then runs it by SHA", async () => {
    // A unique comment makes a script no server has cached yet.
    const script = redisScript(`-- ${randomUUID()}\nreturn ARGV[1] .. KEYS[1]`);
    expect(await client.script("EXISTS", script.sha)).toEqual([0]);
    expect(await runRedisScript({ client, script, keys: ["k"], args: ["v"] })).toBe("vk");
    expect(await client.script("EXISTS", script.sha)).toEqual([1]);
    expect(await runRedisScript({ client, script, keys: ["x"], args: ["y"] })).toBe("yx");
  });
});
