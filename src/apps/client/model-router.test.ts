import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../core/catalog/index.js";
import { createModelRouter } from "./model-router.js";
import { createMockProvider } from "./test-support/mock-provider.js";

describe("createModelRouter", () => {
  const openai = createMockProvider({ name: "openai", script: [] });
  const proxy = createMockProvider({ name: "proxy", script: [] });
  const router = createModelRouter({ catalog: defaultCatalog, providers: { openai, proxy } });

  it("routes by the catalog's provider, or by a known prefix", () => {
    const plain = router.route("gpt-4o-mini");
    expect([plain.providerName, plain.model, plain.info.id]).toEqual([
      "openai",
      "gpt-4o-mini",
      "gpt-4o-mini",
    ]);
    expect(plain.provider()).toBe(openai);
    const prefixed = router.route("gemini/gemini-2.5-flash");
    expect([prefixed.providerName, prefixed.model]).toEqual(["gemini", "gemini-2.5-flash"]);
  });

  it("routes a prefix naming one of the client's providers to it", () => {
    const route = router.route("proxy/gpt-4o");
    expect([route.providerName, route.model, route.info.id]).toEqual(["proxy", "gpt-4o", "gpt-4o"]);
    expect(route.provider()).toBe(proxy);
  });

  it("refuses unknown models with suggestions and bad references naming the field", () => {
    expect(() => router.route("claude-haiku-45")).toThrow(/Did you mean/);
    expect(() => router.route("", "fallbacks[0]")).toThrow(/^fallbacks\[0\] must be a model name/);
  });

  it("reports a provider whose key is missing as absent, and builds it only once", () => {
    const previous = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const route = router.route("claude-haiku-4-5");
      expect(router.providerIfKeyed(route)).toBeUndefined();
      process.env.ANTHROPIC_API_KEY = "sk-ant-test";
      const built = router.providerIfKeyed(route);
      expect(built?.name).toBe("anthropic");
      expect(route.provider()).toBe(built);
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previous;
    }
  });
});
