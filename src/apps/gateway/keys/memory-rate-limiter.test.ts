import { createManualClock } from "../../../adapters/stores/test-support/manual-clock.js";
import { createMemoryRateLimiter } from "./memory-rate-limiter.js";
import { describeRateLimiterConformance } from "./test-support/rate-limiter-conformance.js";

describeRateLimiterConformance("memory", async () => {
  const clock = createManualClock();
  const limiter = createMemoryRateLimiter({ now: clock.now });
  return {
    limiter,
    windowMs: 60_000,
    advance: clock.advance,
    slackMs: 0,
    cleanup: () => limiter.close(),
  };
});
