/**
 * The Anthropic Messages front (`POST /v1/messages`, `/v1/messages/count_tokens`), so the
 * Anthropic SDK and coding agents can call any upstream. Requests: `system` becomes system
 * messages, `tool_use` blocks become assistant tool calls, `tool_result` blocks become tool
 * messages (before the rest of their user turn), images become image parts; thinking blocks
 * are dropped. Replies and stream events carry Anthropic's usage split: input without cache
 * reads and writes, which are reported apart.
 */
import { randomUUID } from "node:crypto";
import type { ChatChunk, FinishReason } from "../../../adapters/providers/index.js";
import type { Usage } from "../../../core/cost/index.js";
import { invalidInput } from "../../../core/errors/index.js";
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from "../../../core/messages/index.js";
import type { ClientChatResult } from "../../client/index.js";
import type { FailureKind, GatewayFailure } from "../gateway-failure.js";
import {
  arrayAt,
  type JsonObject,
  kindOf,
  objectAt,
  optionalBooleanAt,
  optionalNumberAt,
  optionalStringAt,
  stringAt,
} from "./body-fields.js";
import { type ChatFront, type ParsedChat, type StreamEncoder, sse } from "./front.js";

const ANTHROPIC_ERROR_TYPES: Record<FailureKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  too_large: "request_too_large",
  budget_exceeded: "rate_limit_error",
  rate_limited: "rate_limit_error",
  upstream: "api_error",
  timeout: "api_error",
  server: "api_error",
};

/**
 * Anthropic's error body: `{ type: "error", error: { type, message } }`.
 *
 * @example
 * ```ts
 * anthropicErrorJson({ status: 429, kind: "budget_exceeded", message: "Budget exceeded…" });
 * ```
 */
export function anthropicErrorJson(failure: GatewayFailure): unknown {
  return {
    type: "error",
    error: { type: ANTHROPIC_ERROR_TYPES[failure.kind], message: failure.message },
  };
}

/** Anthropic's usage: `input_tokens` excludes cache reads and writes. */
export function anthropicUsage(usage: Usage): Record<string, number> {
  return {
    input_tokens: usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
  };
}

function stopReason(reason: FinishReason): string {
  if (reason === "tool_calls") return "tool_use";
  if (reason === "length") return "max_tokens";
  if (reason === "content_filter") return "refusal";
  return "end_turn";
}

/**
 * Reads a Messages body (`max_tokens` optional for count_tokens only) into the canonical request.
 *
 * @example
 * ```ts
 * parseAnthropicMessagesBody({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function parseAnthropicMessagesBody(
  body: unknown,
  options: { requireMaxTokens?: boolean } = {},
): ParsedChat {
  const root = objectAt(body, "body");
  const messages: ChatMessage[] = [];
  if (root.system !== undefined && root.system !== null) {
    if (typeof root.system === "string") messages.push({ role: "system", content: root.system });
    else {
      const blocks = arrayAt(root.system, "system", "text blocks");
      blocks.forEach((block, index) => {
        const item = objectAt(block, `system[${index}]`);
        if (item.type !== "text")
          throw invalidInput(`system[${index}].type`, `must be "text", got ${kindOf(item.type)}`);
        messages.push({
          role: "system",
          content: stringAt(item.text, `system[${index}].text`, "Be brief."),
        });
      });
    }
  }
  const turns = arrayAt(root.messages, "messages", "messages");
  if (turns.length === 0) {
    throw invalidInput(
      "messages",
      'must hold at least one message such as { "role": "user", "content": "Hi" }',
    );
  }
  turns.forEach((turn, index) => {
    messages.push(...readTurn(turn, `messages[${index}]`));
  });
  const request: ChatRequest = {
    model: stringAt(root.model, "model", "claude-haiku-4-5"),
    messages,
  };
  const maxTokens = optionalNumberAt(root.max_tokens, "max_tokens", { min: 1, integer: true });
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  else if (options.requireMaxTokens !== false) {
    throw invalidInput(
      "max_tokens",
      "is required: the most output tokens the reply may use, e.g. 1024",
    );
  }
  const temperature = optionalNumberAt(root.temperature, "temperature", { min: 0, max: 1 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumberAt(root.top_p, "top_p", { min: 0, max: 1 });
  if (topP !== undefined) request.top_p = topP;
  if (root.stop_sequences !== undefined && root.stop_sequences !== null) {
    const stops = arrayAt(root.stop_sequences, "stop_sequences", "strings");
    if (stops.some((stop) => typeof stop !== "string"))
      throw invalidInput("stop_sequences", "must be an array of strings");
    request.stop = stops as string[];
  }
  if (root.tools !== undefined && root.tools !== null) {
    request.tools = arrayAt(root.tools, "tools", "tools").map((tool, index) =>
      readTool(tool, `tools[${index}]`),
    );
  }
  if (root.tool_choice !== undefined && root.tool_choice !== null) {
    request.tool_choice = readToolChoice(objectAt(root.tool_choice, "tool_choice"));
  }
  if (root.metadata !== undefined && root.metadata !== null) {
    const user = optionalStringAt(objectAt(root.metadata, "metadata").user_id, "metadata.user_id");
    if (user !== undefined) request.user = user;
  }
  const stream = optionalBooleanAt(root.stream, "stream") === true;
  return { request, stream };
}

function readTurn(value: unknown, field: string): ChatMessage[] {
  const turn = objectAt(value, field);
  if (turn.role !== "user" && turn.role !== "assistant") {
    throw invalidInput(`${field}.role`, `must be "user" or "assistant", got ${kindOf(turn.role)}`);
  }
  if (typeof turn.content === "string") return [{ role: turn.role, content: turn.content }];
  const blocks = arrayAt(turn.content, `${field}.content`, "content blocks").map((block, index) =>
    objectAt(block, `${field}.content[${index}]`),
  );
  if (turn.role === "assistant") return [assistantTurn(blocks, `${field}.content`)];
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocks.forEach((block, index) => {
    const at = `${field}.content[${index}]`;
    if (block.type === "tool_result") {
      out.push({
        role: "tool",
        tool_call_id: stringAt(block.tool_use_id, `${at}.tool_use_id`, "toolu_1"),
        content: toolResultContent(block.content, `${at}.content`),
      });
    } else {
      parts.push(contentPart(block, at));
    }
  });
  if (parts.length > 0) out.push({ role: "user", content: parts });
  return out;
}

function assistantTurn(blocks: JsonObject[], field: string): ChatMessage {
  let text = "";
  const toolCalls: ToolCall[] = [];
  blocks.forEach((block, index) => {
    const at = `${field}[${index}]`;
    if (block.type === "text") text += stringAt(block.text ?? "", `${at}.text`, "Hello");
    else if (block.type === "tool_use") {
      toolCalls.push({
        id: stringAt(block.id, `${at}.id`, "toolu_1"),
        type: "function",
        function: {
          name: stringAt(block.name, `${at}.name`, "get_weather"),
          arguments: JSON.stringify(block.input ?? {}),
        },
      });
    } else if (block.type !== "thinking" && block.type !== "redacted_thinking") {
      throw invalidInput(
        `${at}.type`,
        `must be text, tool_use or thinking in an assistant turn, got ${kindOf(block.type)}`,
      );
    }
  });
  return {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function contentPart(block: JsonObject, field: string): ContentPart {
  if (block.type === "text")
    return { type: "text", text: stringAt(block.text, `${field}.text`, "Hello") };
  if (block.type === "image") {
    const source = objectAt(block.source, `${field}.source`);
    if (source.type === "base64") {
      const mediaType = stringAt(source.media_type, `${field}.source.media_type`, "image/png");
      const data = stringAt(source.data, `${field}.source.data`, "iVBORw0KGgo...");
      return { type: "image_url", image_url: { url: `data:${mediaType};base64,${data}` } };
    }
    if (source.type === "url") {
      return {
        type: "image_url",
        image_url: {
          url: stringAt(source.url, `${field}.source.url`, "https://example.com/cat.png"),
        },
      };
    }
    throw invalidInput(
      `${field}.source.type`,
      `must be "base64" or "url", got ${kindOf(source.type)}`,
    );
  }
  throw invalidInput(
    `${field}.type`,
    `must be text, image or tool_result in a user turn, got ${kindOf(block.type)}`,
  );
}

function toolResultContent(value: unknown, field: string): ChatMessage["content"] {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return arrayAt(value, field, "content blocks").map((block, index) =>
    contentPart(objectAt(block, `${field}[${index}]`), `${field}[${index}]`),
  );
}

function readTool(value: unknown, field: string): ToolDefinition {
  const tool = objectAt(value, field);
  const out: ToolDefinition = {
    type: "function",
    function: { name: stringAt(tool.name, `${field}.name`, "get_weather") },
  };
  const description = optionalStringAt(tool.description, `${field}.description`);
  if (description !== undefined) out.function.description = description;
  if (tool.input_schema !== undefined)
    out.function.parameters = objectAt(tool.input_schema, `${field}.input_schema`);
  return out;
}

function readToolChoice(choice: JsonObject): ToolChoice {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return {
        type: "function",
        function: { name: stringAt(choice.name, "tool_choice.name", "get_weather") },
      };
    default:
      throw invalidInput(
        "tool_choice.type",
        `must be auto, any, tool or none, got ${kindOf(choice.type)}`,
      );
  }
}

function toolInput(argumentsJson: string): unknown {
  try {
    return argumentsJson === "" ? {} : JSON.parse(argumentsJson);
  } catch {
    return {};
  }
}

/**
 * A client result as an Anthropic `message`.
 *
 * @example
 * ```ts
 * renderAnthropicMessage(result, "claude-haiku-4-5").content[0].text;
 * ```
 */
export function renderAnthropicMessage(result: ClientChatResult, model: string) {
  const content: unknown[] = [];
  const text = typeof result.message.content === "string" ? result.message.content : "";
  const calls = result.message.tool_calls ?? [];
  if (text !== "" || calls.length === 0) content.push({ type: "text", text });
  for (const call of calls) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments),
    });
  }
  return {
    id: result.id.startsWith("msg_") ? result.id : `msg_${result.id}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason(result.finishReason),
    stop_sequence: null,
    usage: anthropicUsage(result.usage),
  };
}

function anthropicEncoder(model: string): StreamEncoder {
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  let started = false;
  let blockIndex = -1;
  let openBlock: "text" | "tool" | undefined;
  const toolBlocks = new Map<number, number>();
  let finish: FinishReason = "stop";
  const start = () => {
    if (started) return "";
    started = true;
    return sse(
      {
        type: "message_start",
        message: {
          id,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 0,
          },
        },
      },
      "message_start",
    );
  };
  const closeBlock = () => {
    if (openBlock === undefined) return "";
    openBlock = undefined;
    return sse({ type: "content_block_stop", index: blockIndex }, "content_block_stop");
  };
  return {
    chunk(chunk: ChatChunk) {
      let out = start();
      if (chunk.text !== undefined && chunk.text !== "") {
        if (openBlock !== "text") {
          out += closeBlock();
          blockIndex += 1;
          openBlock = "text";
          out += sse(
            {
              type: "content_block_start",
              index: blockIndex,
              content_block: { type: "text", text: "" },
            },
            "content_block_start",
          );
        }
        out += sse(
          {
            type: "content_block_delta",
            index: blockIndex,
            delta: { type: "text_delta", text: chunk.text },
          },
          "content_block_delta",
        );
      }
      for (const call of chunk.toolCalls ?? []) {
        if (!toolBlocks.has(call.index)) {
          out += closeBlock();
          blockIndex += 1;
          openBlock = "tool";
          toolBlocks.set(call.index, blockIndex);
          out += sse(
            {
              type: "content_block_start",
              index: blockIndex,
              content_block: {
                type: "tool_use",
                id: call.id ?? `toolu_${id}_${call.index}`,
                name: call.name ?? "",
                input: {},
              },
            },
            "content_block_start",
          );
        }
        if (call.argumentsDelta !== undefined && call.argumentsDelta !== "") {
          out += sse(
            {
              type: "content_block_delta",
              index: toolBlocks.get(call.index),
              delta: { type: "input_json_delta", partial_json: call.argumentsDelta },
            },
            "content_block_delta",
          );
        }
      }
      if (chunk.finishReason !== undefined) finish = chunk.finishReason;
      return out;
    },
    end(result) {
      let out = start();
      if (blockIndex === -1) {
        blockIndex = 0;
        openBlock = "text";
        out += sse(
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          "content_block_start",
        );
      }
      out += closeBlock();
      out += sse(
        {
          type: "message_delta",
          delta: { stop_reason: stopReason(result.finishReason ?? finish), stop_sequence: null },
          usage: anthropicUsage(result.usage),
        },
        "message_delta",
      );
      return out + sse({ type: "message_stop" }, "message_stop");
    },
    error(failure) {
      return start() + sse(anthropicErrorJson(failure), "error");
    },
  };
}

/** The Anthropic Messages front. */
export const anthropicMessagesFront: ChatFront = {
  name: "anthropic",
  parse: (body) => parseAnthropicMessagesBody(body),
  render: renderAnthropicMessage,
  encoder: (model) => anthropicEncoder(model),
  errorBody: anthropicErrorJson,
};
