import { describe, expect, it } from "vitest";
import { anthropicCountTokensEndpoint, anthropicMessagesEndpoint } from "./anthropic-handlers.js";
import { MockRequestError } from "./mock-conversation.js";

const messages = [{ role: "user", content: "Hi" }];

describe("anthropic endpoints", () => {
  it("require max_tokens for Messages but not for count_tokens", () => {
    expect(() => anthropicMessagesEndpoint.conversation({ model: "c", messages })).toThrow(
      new MockRequestError("max_tokens: Field required"),
    );
    expect(
      anthropicMessagesEndpoint.conversation({ model: "c", max_tokens: 5, messages }).model,
    ).toBe("c");
    expect(anthropicCountTokensEndpoint.conversation({ model: "c", messages }).turns).toHaveLength(
      1,
    );
  });

  it("names a missing messages field before a missing max_tokens", () => {
    expect(() => anthropicMessagesEndpoint.conversation({ model: "c" })).toThrow(
      "messages: Field required",
    );
  });
});
