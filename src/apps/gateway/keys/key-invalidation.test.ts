import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  describeWithRedis,
  newRedisClient,
} from "../../../adapters/stores/test-support/redis-for-tests.js";
import {
  createRedisKeyInvalidation,
  type KeyInvalidation,
  type KeyInvalidationEvent,
  keyInvalidationChannel,
  parseKeyInvalidation,
} from "./key-invalidation.js";

describe("parseKeyInvalidation", () => {
  it("reads keys and teams, and treats anything malformed as 'drop everything'", () => {
    expect(parseKeyInvalidation('{"keys":["key_ab","ci-bot"],"teams":[]}')).toEqual({
      keys: ["key_ab", "ci-bot"],
      teams: [],
    });
    expect(parseKeyInvalidation('{"teams":["data"]}')).toEqual({ teams: ["data"] });
    expect(parseKeyInvalidation('{"all":true}')).toEqual({ all: true });
    for (const garbage of ["", "nope", "[]", "null", '{"keys":"ci-bot"}', '{"keys":[1]}']) {
      expect(parseKeyInvalidation(garbage)).toEqual({ all: true });
    }
  });

  it("names one channel per PostgreSQL schema", () => {
    expect(keyInvalidationChannel()).toBe("tokenwise:keys-changed:tokenwise");
    expect(keyInvalidationChannel("prod_eu")).toBe("tokenwise:keys-changed:prod_eu");
  });
});

/** Polls until `check` passes (a loaded machine delivers in its own time), at most ~10 s. */
async function eventually(check: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      check();
      return;
    } catch (error) {
      if (attempt >= 500) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describeWithRedis("createRedisKeyInvalidation", () => {
  const channels: KeyInvalidation[] = [];
  const admin: Redis = newRedisClient();
  const channel = `tokenwise-test:keys-changed:${randomUUID()}`;
  const open = (options: { connectionName?: string; client?: Redis; listen?: boolean } = {}) => {
    const invalidation = createRedisKeyInvalidation(
      options.client === undefined
        ? { url: "redis://127.0.0.1:6379", channel, ...options }
        : { channel, ...options },
    );
    channels.push(invalidation);
    return invalidation;
  };
  const record = (invalidation: KeyInvalidation) => {
    const events: KeyInvalidationEvent[] = [];
    invalidation.subscribe((event) => events.push(event));
    return events;
  };

  afterEach(async () => {
    await Promise.all(channels.splice(0).map((invalidation) => invalidation.close()));
  });
  afterAll(async () => {
    await admin.quit();
  });

  it("delivers what one replica publishes to every subscriber, itself included", async () => {
    const [first, second] = [open(), open()];
    const [firstEvents, secondEvents] = [record(first), record(second)];
    await Promise.all([first.ready(), second.ready()]);
    await first.publish({ keys: ["key_0123456789abcdef", "ci-bot"] });
    await second.publish({ teams: ["data"] });
    const expected = [
      { all: true },
      { keys: ["key_0123456789abcdef", "ci-bot"], teams: [] },
      { keys: [], teams: ["data"] },
    ];
    await eventually(() => expect(secondEvents).toEqual(expected));
    await eventually(() => expect(firstEvents).toEqual(expected));
    expect(first.status()).toMatchObject({ subscribed: true, subscriptions: 1, received: 2 });
  });

  it("tells its listeners to drop everything after the connection is lost and back", async () => {
    const connectionName = `tokenwise-test-${randomUUID().slice(0, 8)}`;
    const invalidation = open({ connectionName });
    const events = record(invalidation);
    await invalidation.ready();
    expect(events).toEqual([{ all: true }]);
    // Kill exactly this subscriber's connection (never anyone else's on the shared server).
    const clients = String(await admin.client("LIST"));
    const line = clients.split("\n").find((entry) => entry.includes(`name=${connectionName} `));
    const id = /(?:^|\s)id=(\d+)/.exec(line ?? "")?.[1];
    expect(id).toBeDefined();
    await admin.client("KILL", "ID", id as string);
    await eventually(() => expect(invalidation.status().subscriptions).toBe(2));
    expect(events).toEqual([{ all: true }, { all: true }]);
    // Subscribed again: messages flow as before.
    await open({ listen: false }).publish({ keys: ["ci-bot"] });
    await eventually(() => expect(events.at(-1)).toEqual({ keys: ["ci-bot"], teams: [] }));
  });

  it("subscribes on a duplicate of a client it is given, and leaves that client open", async () => {
    const client = newRedisClient();
    const invalidation = open({ client });
    const events = record(invalidation);
    await invalidation.ready();
    await invalidation.publish({ all: true });
    await eventually(() => expect(events).toEqual([{ all: true }, { all: true }]));
    await invalidation.close();
    expect(await client.ping()).toBe("PONG");
    await client.quit();
  });

  it("publishes without a subscriber connection when listen is false", async () => {
    const listener = open();
    const events = record(listener);
    await listener.ready();
    const writer = open({ listen: false });
    await writer.ready();
    expect(writer.status()).toMatchObject({ subscribed: false, subscriptions: 0 });
    await writer.publish({ teams: ["web"] });
    await eventually(() => expect(events.at(-1)).toEqual({ keys: [], teams: ["web"] }));
  });

  it("fails a publish to a Redis that does not answer within its timeout, naming no URL", async () => {
    const invalidation = createRedisKeyInvalidation({
      url: "redis://:hunter2-secret@127.0.0.1:1",
      channel,
      publishTimeoutMs: 300,
      listen: false,
    });
    channels.push(invalidation);
    const error = await invalidation.publish({ all: true }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "store_error" });
    expect((error as Error).message).toMatch(
      new RegExp(`^Could not publish the key change to Redis channel ${channel}: `),
    );
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("refuses a bad URL or channel, and use after close", async () => {
    expect(() => createRedisKeyInvalidation({ url: "http://:pw@host", channel })).toThrow(
      'url must start with "redis://" or "rediss://"',
    );
    expect(() => createRedisKeyInvalidation({ channel })).toThrow(
      "client or url must be given (exactly one of them)",
    );
    expect(() =>
      createRedisKeyInvalidation({ url: "redis://127.0.0.1:6379", channel: "" }),
    ).toThrow(/^channel must be a non-empty string/);
    const invalidation = open();
    await invalidation.close();
    await expect(invalidation.publish({ all: true })).rejects.toMatchObject({
      code: "store_error",
    });
    await invalidation.close();
  });
});
