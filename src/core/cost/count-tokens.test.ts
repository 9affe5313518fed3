import { describe, expect, it } from "vitest";
import { countTokens } from "./count-tokens.js";

describe("countTokens", () => {
  it("counts text exactly with the model's encoding", () => {
    expect(countTokens({ model: "gpt-4", input: "tiktoken is great!" })).toEqual({
      model: "gpt-4",
      tokens: 6,
      exact: true,
      method: "cl100k_base",
    });
    expect(countTokens({ model: "gpt-4o", input: "お誕生日おめでとう" }).tokens).toBe(8);
  });

  it("counts chat messages by OpenAI's rules (3 per message + 3 reply priming)", () => {
    const count = countTokens({ model: "gpt-4o", input: [{ role: "user", content: "hi" }] });
    expect(count.tokens).toBe(1 + 1 + 3 + 3);
  });

  it("labels Claude counts as estimates", () => {
    const count = countTokens({ model: "claude-3-5-sonnet", input: "hello world" });
    expect(count.model).toBe("claude-3-5-sonnet-20241022");
    expect(count.exact).toBe(false);
    expect(count.method).toMatch(/estimate/);
  });
});
