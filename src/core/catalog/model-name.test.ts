import { describe, expect, it } from "vitest";
import { normalizeModelName, stripProviderPrefix } from "./model-name.js";

describe("model names", () => {
  it("normalizes case and surrounding whitespace", () => {
    expect(normalizeModelName("  Claude-3-5-Sonnet\n")).toBe("claude-3-5-sonnet");
  });

  it.each([
    ["openai/gpt-4o", { name: "gpt-4o", provider: "openai" }],
    ["anthropic/claude-3-opus", { name: "claude-3-opus", provider: "anthropic" }],
    ["gemini/gemini-2.0-flash", { name: "gemini-2.0-flash", provider: "google" }],
    ["google/gemini-2.0-flash", { name: "gemini-2.0-flash", provider: "google" }],
    ["models/gemini-2.5-pro", { name: "gemini-2.5-pro", provider: "google" }],
    ["mistral/mistral-large", undefined],
    ["gpt-4o", undefined],
    ["openai/", undefined],
  ])("splits %j", (name, expected) => {
    expect(stripProviderPrefix(name)).toEqual(expected);
  });
});
