import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { resolveApiKey } from "./api-key.js";

describe("resolveApiKey", () => {
  const base = {
    provider: "gemini",
    envVars: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    required: true,
  };

  it("prefers the explicit key, then the variables in order", () => {
    const env = { GEMINI_API_KEY: "g-1", GOOGLE_API_KEY: "g-2" };
    expect(resolveApiKey({ ...base, explicit: "mine", env })).toBe("mine");
    expect(resolveApiKey({ ...base, explicit: undefined, env })).toBe("g-1");
    expect(
      resolveApiKey({ ...base, explicit: "", env: { GEMINI_API_KEY: " ", GOOGLE_API_KEY: "g-2" } }),
    ).toBe("g-2");
  });

  it("names the variables to set when a required key is missing", () => {
    try {
      resolveApiKey({ ...base, explicit: undefined, env: {} });
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
      expect((error as Error).message).toContain("set GEMINI_API_KEY or GOOGLE_API_KEY");
      expect((error as TokenwiseError).details).toEqual({
        field: "apiKey",
        provider: "gemini",
        envVars: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
      });
    }
  });

  it("returns undefined for an optional key", () => {
    expect(
      resolveApiKey({ ...base, required: false, explicit: undefined, env: {} }),
    ).toBeUndefined();
  });
});
