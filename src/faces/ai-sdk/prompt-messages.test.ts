import { describe, expect, it } from "vitest";
import { countingRequest } from "./prompt-messages.js";

describe("countingRequest", () => {
  it("turns the SDK prompt, tools and output limit into a chat request", () => {
    const request = countingRequest(
      {
        prompt: [
          { role: "system", content: "Be brief" },
          {
            role: "user",
            content: [
              { type: "text", text: "What is in this picture?" },
              {
                type: "file",
                mediaType: "image/png",
                data: new URL("https://example.com/cat.png"),
              },
              { type: "file", mediaType: "application/pdf", data: "JVBERi0=" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "tool-call", toolCallId: "c1", toolName: "look", input: { zoom: 2 } },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "c1",
                toolName: "look",
                output: { type: "text", value: "a cat" },
              },
            ],
          },
        ],
        tools: [
          {
            type: "function",
            name: "look",
            description: "Looks closer",
            inputSchema: { type: "object", properties: { zoom: { type: "number" } } },
          },
        ],
        maxOutputTokens: 64,
      },
      "gpt-4o",
    );
    expect(request).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
          ],
        },
        { role: "assistant", content: [{ type: "text", text: 'look{"zoom":2}' }] },
        { role: "tool", content: [{ type: "text", text: 'look{"type":"text","value":"a cat"}' }] },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "look",
            description: "Looks closer",
            parameters: { type: "object", properties: { zoom: { type: "number" } } },
          },
        },
      ],
      max_tokens: 64,
    });
  });
});
