import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { parseGatewayConfig } from "./gateway-config.js";
import { describeEngines, hostOf, redactUrl, resolveGatewayEngines } from "./gateway-engines.js";

const MINIMAL = {
  upstreams: { openai: { kind: "openai", apiKeyEnv: "OPENAI_API_KEY" } },
  models: { "gpt-4o-mini": { upstream: "openai" } },
};
const SECRET = "hunter2-very-secret";

function refusal(run: () => unknown): TokenwiseError {
  try {
    run();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("resolveGatewayEngines", () => {
  it("is embedded without any URL", () => {
    expect(resolveGatewayEngines({ config: parseGatewayConfig(MINIMAL), env: {} })).toEqual({
      kind: "embedded",
    });
  });

  it("takes each URL from the flag, else the environment, else the config", () => {
    const config = parseGatewayConfig({
      ...MINIMAL,
      state: {
        redis: "redis://config:6379",
        postgres: "postgres://config/app",
        postgresSchema: "from_config",
        failOpen: true,
        maxPendingSpendRows: 50,
      },
    });
    const env = {
      TOKENWISE_REDIS_URL: "redis://env:6379",
      TOKENWISE_POSTGRES_URL: "postgres://env/app",
    };
    expect(
      resolveGatewayEngines({
        config,
        flags: { redis: "redis://flag:6379", postgresSchema: "from_flag" },
        env,
      }),
    ).toEqual({
      kind: "shared",
      redisUrl: "redis://flag:6379",
      postgresUrl: "postgres://env/app",
      postgresSchema: "from_flag",
      redisPrefix: "tokenwise:",
      failOpen: true,
      redisTimeoutMs: 1000,
      keyCacheTtlMs: 1000,
      maxPendingSpendRows: 50,
    });
    const fromConfig = resolveGatewayEngines({ config, env: { TOKENWISE_REDIS_URL: " " } });
    expect(fromConfig).toMatchObject({
      redisUrl: "redis://config:6379",
      postgresUrl: "postgres://config/app",
      postgresSchema: "from_config",
    });
  });

  it("refuses one engine without the other, naming where the one given came from", () => {
    const config = parseGatewayConfig(MINIMAL);
    const onlyRedis = refusal(() =>
      resolveGatewayEngines({ config, flags: { redis: "redis://cache:6379" }, env: {} }),
    );
    expect(onlyRedis.message).toMatch(
      /^--redis is set but a PostgreSQL URL \(--postgres, TOKENWISE_POSTGRES_URL or "state.postgres"\) is not/,
    );
    expect(onlyRedis.details.field).toBe("--redis");
    const onlyPostgres = refusal(() =>
      resolveGatewayEngines({ config, env: { TOKENWISE_POSTGRES_URL: "postgres://db/app" } }),
    );
    expect(onlyPostgres.message).toMatch(/^TOKENWISE_POSTGRES_URL is set but a Redis URL/);
  });

  it("refuses a bad URL without ever echoing it", () => {
    const config = parseGatewayConfig(MINIMAL);
    const wrongScheme = refusal(() =>
      resolveGatewayEngines({
        config,
        flags: { redis: `http://user:${SECRET}@cache:6379`, postgres: "postgres://db/app" },
        env: {},
      }),
    );
    expect(wrongScheme.message).toBe(
      '--redis must start with "redis://" or "rediss://", got a "http:" URL',
    );
    const notAUrl = refusal(() =>
      resolveGatewayEngines({
        config,
        env: {
          TOKENWISE_REDIS_URL: "redis://x:6379",
          TOKENWISE_POSTGRES_URL: `${SECRET} nonsense`,
        },
      }),
    );
    expect(notAUrl.message).toContain("TOKENWISE_POSTGRES_URL must be a URL");
    expect(notAUrl.message).not.toContain(SECRET);
  });

  it("checks the state section of the config, naming each field", () => {
    expect(() =>
      parseGatewayConfig({
        ...MINIMAL,
        state: {
          redis: `ftp://:${SECRET}@x`,
          postgresSchema: "1bad",
          failOpen: "yes",
          redisTimeoutMs: 0,
          spendBuffer: 5,
        },
      }),
    ).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({
          issues: [
            {
              path: "state.spendBuffer",
              message:
                "is not a setting; use redis, postgres, postgresSchema, redisPrefix, failOpen, redisTimeoutMs, keyCacheTtlMs, maxPendingSpendRows",
            },
            {
              path: "state.redis",
              message: 'must start with "redis://" or "rediss://", got a "ftp:" URL',
            },
            {
              path: "state.postgresSchema",
              message:
                'must be a plain SQL name (letters, digits, _; not starting with a digit), got "1bad"',
            },
            { path: "state.failOpen", message: 'must be true or false, got "yes"' },
            { path: "state.redisTimeoutMs", message: "must be a whole number from 1 up, got 0" },
          ],
        }),
      }),
    );
  });
});

describe("redactUrl, hostOf, describeEngines", () => {
  it("never shows a password", () => {
    expect(redactUrl(`redis://:${SECRET}@cache:6379/0`)).toBe("redis://:***@cache:6379/0");
    expect(redactUrl(`postgres://app:${SECRET}@db/app?password=${SECRET}`)).toBe(
      "postgres://app:***@db/app",
    );
    expect(redactUrl("not a url")).toBe("(a URL that does not parse)");
    expect(hostOf(`postgres://app:${SECRET}@db.internal/app`, 5432)).toBe("db.internal:5432");
    const shared = resolveGatewayEngines({
      config: parseGatewayConfig(MINIMAL),
      flags: {
        redis: `redis://:${SECRET}@cache:6380`,
        postgres: `postgres://app:${SECRET}@db/app`,
      },
      env: {},
    });
    const line = describeEngines(shared);
    expect(line).toBe("Redis at cache:6380 + PostgreSQL at db:5432 (schema tokenwise)");
    expect(describeEngines({ kind: "embedded" }, ".tokenwise")).toBe(
      "embedded SQLite in .tokenwise",
    );
  });
});
