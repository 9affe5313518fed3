import { sleep } from "../../../adapters/stores/test-support/manual-clock.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "../../../adapters/stores/test-support/redis-for-tests.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { describeRateLimiterConformance } from "./test-support/rate-limiter-conformance.js";

// Redis keeps its own clock, so the window is short and time passes for real.
const WINDOW_MS = 1200;

describeWithRedis("Redis rate limiter", () => {
  describeRateLimiterConformance("Redis", async () => {
    const client = newRedisClient();
    const prefix = uniqueRedisPrefix("rate");
    const limiter = createRedisRateLimiter({ client, prefix, windowMs: WINDOW_MS });
    return {
      limiter,
      windowMs: WINDOW_MS,
      advance: sleep,
      slackMs: 150,
      cleanup: async () => {
        await limiter.close();
        await deleteRedisPrefix(client, prefix);
        await client.quit();
      },
    };
  });
});
