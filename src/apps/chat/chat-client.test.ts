import { describe, expect, it } from "vitest";
import { createClient } from "../client/index.js";
import { createMockProvider } from "../client/test-support/mock-provider.js";
import { createChat } from "./chat.js";
import type { ChatClient } from "./chat-client.js";

describe("ChatClient", () => {
  it("is satisfied by the real createClient, which the chat then drives", async () => {
    const openai = createMockProvider({
      name: "openai",
      script: [
        {
          kind: "result",
          result: {
            message: { role: "assistant", content: "Hi!" },
            usage: {
              inputTokens: 9,
              cachedInputTokens: 0,
              cacheWriteTokens: 0,
              outputTokens: 2,
              reasoningTokens: 0,
            },
          },
        },
      ],
    });
    const client: ChatClient = createClient({ providers: { openai }, retry: false });
    const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.01" });
    const turn = await chat.send("Hello there");
    expect(turn.reply).toBe("Hi!");
    expect(turn.cost).toBe(9n * 150_000n + 2n * 600_000n);
    expect(openai.calls[0]?.request.max_tokens).toBe(1024);
  });
});
