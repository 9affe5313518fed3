import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import { isCacheableRequest } from "./is-cacheable-request.js";

const base: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };

describe("isCacheableRequest", () => {
  it("accepts temperature 0 only, by default", () => {
    expect(isCacheableRequest({ ...base, temperature: 0 })).toBe(true);
    expect(isCacheableRequest({ ...base, temperature: 0, n: 1 })).toBe(true);
    expect(isCacheableRequest({ ...base, temperature: 0.2 })).toBe(false);
    expect(isCacheableRequest(base)).toBe(false);
  });

  it("accepts sampled requests when asked to", () => {
    expect(isCacheableRequest(base, { cacheNonDeterministic: true })).toBe(true);
    expect(isCacheableRequest({ ...base, temperature: 1.3 }, { cacheNonDeterministic: true })).toBe(
      true,
    );
  });

  it("never accepts n > 1", () => {
    expect(isCacheableRequest({ ...base, temperature: 0, n: 2 })).toBe(false);
    expect(isCacheableRequest({ ...base, n: 3 }, { cacheNonDeterministic: true })).toBe(false);
  });
});
