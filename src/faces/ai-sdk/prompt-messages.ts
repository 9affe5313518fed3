import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
} from "@ai-sdk/provider";
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ToolDefinition,
} from "../../core/messages/index.js";

/**
 * The AI SDK call as the chat request tokenwise counts and prices: each prompt message becomes
 * a chat message (text as text, images as image parts, tool calls and results as their JSON),
 * function tools become tool definitions, and `maxOutputTokens` becomes `max_tokens`.
 *
 * Files other than images are left out of the count: their token cost depends on the provider.
 *
 * @example
 * ```ts
 * countingRequest({ prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }, "gpt-4o-mini");
 * // { model: "gpt-4o-mini", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }
 * ```
 */
export function countingRequest(params: LanguageModelV3CallOptions, model: string): ChatRequest {
  const request: ChatRequest = { model, messages: promptMessages(params.prompt) };
  const tools = toolDefinitions(params.tools);
  if (tools.length > 0) request.tools = tools;
  if (params.maxOutputTokens !== undefined) request.max_tokens = params.maxOutputTokens;
  return request;
}

function promptMessages(prompt: LanguageModelV3Prompt): ChatMessage[] {
  return prompt.map((message): ChatMessage => {
    if (message.role === "system") return { role: "system", content: message.content };
    const parts: ContentPart[] = [];
    for (const part of message.content) {
      switch (part.type) {
        case "text":
        case "reasoning":
          parts.push({ type: "text", text: part.text });
          break;
        case "file":
          if (part.mediaType.startsWith("image/")) parts.push(imagePart(part));
          break;
        case "tool-call":
          parts.push({ type: "text", text: part.toolName + JSON.stringify(part.input ?? null) });
          break;
        case "tool-result":
          parts.push({ type: "text", text: part.toolName + JSON.stringify(part.output ?? null) });
          break;
        default:
          break;
      }
    }
    return { role: message.role, content: parts };
  });
}

function imagePart(part: LanguageModelV3FilePart): ContentPart {
  // Only the part's presence matters to the count: without a size it is counted at its largest.
  const url = part.data instanceof URL ? part.data.href : `data:${part.mediaType};base64,`;
  return { type: "image_url", image_url: { url } };
}

function toolDefinitions(tools: LanguageModelV3CallOptions["tools"]): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    if (tool.type !== "function") continue;
    const fn: ToolDefinition["function"] = { name: tool.name };
    if (tool.description !== undefined) fn.description = tool.description;
    fn.parameters = tool.inputSchema as ToolDefinition["function"]["parameters"];
    definitions.push({ type: "function", function: fn });
  }
  return definitions;
}
