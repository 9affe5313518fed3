/**
 * The OpenAI Chat Completions front (`POST /v1/chat/completions`). The canonical request is
 * this format, so parsing is checking: every field the gateway reads is type-checked and
 * named when wrong; fields it does not know are dropped rather than forwarded blind.
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
  kindOf,
  objectAt,
  optionalBooleanAt,
  optionalNumberAt,
  optionalStringAt,
  stringAt,
} from "./body-fields.js";
import { type ChatFront, type ParsedChat, type StreamEncoder, sse } from "./front.js";

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

const OPENAI_ERROR_TYPES: Record<FailureKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  too_large: "invalid_request_error",
  budget_exceeded: "insufficient_quota",
  rate_limited: "rate_limit_error",
  upstream: "api_error",
  timeout: "timeout_error",
  server: "server_error",
};

/**
 * The error body OpenAI clients read: `{ error: { message, type, param, code } }`.
 *
 * @example
 * ```ts
 * openAIErrorJson({ status: 401, kind: "authentication", message: "Missing API key" });
 * ```
 */
export function openAIErrorJson(failure: GatewayFailure): unknown {
  return {
    error: {
      message: failure.message,
      type: OPENAI_ERROR_TYPES[failure.kind],
      param: failure.param ?? null,
      code: failure.kind === "budget_exceeded" ? "budget_exceeded" : failure.kind,
    },
  };
}

/** OpenAI's finish reason for a canonical one. */
export function openAIFinishReason(reason: FinishReason): string {
  return reason === "error" || reason === "other" ? "stop" : reason;
}

/** A canonical usage in OpenAI's `usage` shape. */
export function openAIUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/**
 * Reads a Chat Completions body into the canonical request.
 *
 * @example
 * ```ts
 * parseChatCompletionsBody({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function parseChatCompletionsBody(body: unknown): ParsedChat {
  const root = objectAt(body, "body");
  const request: ChatRequest = {
    model: stringAt(root.model, "model", "gpt-4o-mini"),
    messages: arrayAt(root.messages, "messages", "messages").map((message, index) =>
      readMessage(message, `messages[${index}]`),
    ),
  };
  if (request.messages.length === 0) {
    throw invalidInput(
      "messages",
      'must hold at least one message such as { "role": "user", "content": "Hi" }',
    );
  }
  const integer = { min: 1, integer: true };
  setIfDefined(request, "max_tokens", optionalNumberAt(root.max_tokens, "max_tokens", integer));
  setIfDefined(
    request,
    "max_completion_tokens",
    optionalNumberAt(root.max_completion_tokens, "max_completion_tokens", integer),
  );
  setIfDefined(
    request,
    "temperature",
    optionalNumberAt(root.temperature, "temperature", { min: 0, max: 2 }),
  );
  setIfDefined(request, "top_p", optionalNumberAt(root.top_p, "top_p", { min: 0, max: 1 }));
  setIfDefined(request, "seed", optionalNumberAt(root.seed, "seed", { integer: true }));
  setIfDefined(request, "n", optionalNumberAt(root.n, "n", { min: 1, max: 128, integer: true }));
  setIfDefined(
    request,
    "presence_penalty",
    optionalNumberAt(root.presence_penalty, "presence_penalty", { min: -2, max: 2 }),
  );
  setIfDefined(
    request,
    "frequency_penalty",
    optionalNumberAt(root.frequency_penalty, "frequency_penalty", { min: -2, max: 2 }),
  );
  setIfDefined(request, "user", optionalStringAt(root.user, "user"));
  if (root.stop !== undefined && root.stop !== null) request.stop = readStop(root.stop);
  if (root.tools !== undefined && root.tools !== null) {
    request.tools = arrayAt(root.tools, "tools", "function tools").map((tool, index) =>
      readTool(tool, `tools[${index}]`),
    );
  }
  if (root.tool_choice !== undefined && root.tool_choice !== null) {
    request.tool_choice = readToolChoice(root.tool_choice, "tool_choice");
  }
  if (root.response_format !== undefined && root.response_format !== null) {
    const format = objectAt(root.response_format, "response_format");
    if (!["text", "json_object", "json_schema"].includes(format.type as string)) {
      throw invalidInput(
        "response_format.type",
        `must be text, json_object or json_schema, got ${kindOf(format.type)}`,
      );
    }
    request.response_format = format as ChatRequest["response_format"];
  }
  if (root.reasoning_effort !== undefined && root.reasoning_effort !== null) {
    if (!["minimal", "low", "medium", "high"].includes(root.reasoning_effort as string)) {
      throw invalidInput(
        "reasoning_effort",
        `must be minimal, low, medium or high, got ${kindOf(root.reasoning_effort)}`,
      );
    }
    request.reasoning_effort = root.reasoning_effort as ChatRequest["reasoning_effort"];
  }
  const stream = optionalBooleanAt(root.stream, "stream") === true;
  if (root.stream_options !== undefined && root.stream_options !== null) {
    const options = objectAt(root.stream_options, "stream_options");
    const includeUsage = optionalBooleanAt(options.include_usage, "stream_options.include_usage");
    request.stream_options = { include_usage: includeUsage === true };
  }
  return { request, stream };
}

function setIfDefined<K extends keyof ChatRequest>(
  request: ChatRequest,
  key: K,
  value: ChatRequest[K] | undefined,
): void {
  if (value !== undefined) request[key] = value;
}

function readMessage(value: unknown, field: string): ChatMessage {
  const message = objectAt(value, field);
  if (typeof message.role !== "string" || !ROLES.has(message.role)) {
    throw invalidInput(
      `${field}.role`,
      `must be one of system, developer, user, assistant, tool; got ${kindOf(message.role)}`,
    );
  }
  const out: ChatMessage = {
    role: message.role as ChatMessage["role"],
    content: readContent(message.content, `${field}.content`),
  };
  const name = optionalStringAt(message.name, `${field}.name`);
  if (name !== undefined) out.name = name;
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    out.tool_calls = arrayAt(message.tool_calls, `${field}.tool_calls`, "tool calls").map(
      (call, index) => readToolCall(call, `${field}.tool_calls[${index}]`),
    );
  }
  const toolCallId = optionalStringAt(message.tool_call_id, `${field}.tool_call_id`);
  if (toolCallId !== undefined) out.tool_call_id = toolCallId;
  if (out.role === "tool" && out.tool_call_id === undefined) {
    throw invalidInput(
      `${field}.tool_call_id`,
      "must name the tool call this tool message answers",
    );
  }
  return out;
}

function readContent(value: unknown, field: string): ChatMessage["content"] {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  return arrayAt(value, field, "content parts").map((part, index) => {
    const item = objectAt(part, `${field}[${index}]`);
    if (item.type === "text") {
      return { type: "text", text: stringOrEmpty(item.text, `${field}[${index}].text`) };
    }
    if (item.type === "image_url") {
      const image = objectAt(item.image_url, `${field}[${index}].image_url`);
      const url = stringAt(
        image.url,
        `${field}[${index}].image_url.url`,
        "https://example.com/cat.png",
      );
      const part: ContentPart = { type: "image_url", image_url: { url } };
      if (image.detail === "low" || image.detail === "high" || image.detail === "auto") {
        part.image_url.detail = image.detail;
      }
      return part;
    }
    throw invalidInput(
      `${field}[${index}].type`,
      `must be "text" or "image_url", got ${kindOf(item.type)}`,
    );
  });
}

function stringOrEmpty(value: unknown, field: string): string {
  if (typeof value !== "string")
    throw invalidInput(field, `must be a string, got ${kindOf(value)}`);
  return value;
}

function readToolCall(value: unknown, field: string): ToolCall {
  const call = objectAt(value, field);
  const fn = objectAt(call.function, `${field}.function`);
  return {
    id: stringAt(call.id, `${field}.id`, "call_1"),
    type: "function",
    function: {
      name: stringAt(fn.name, `${field}.function.name`, "get_weather"),
      arguments: stringOrEmpty(fn.arguments ?? "", `${field}.function.arguments`),
    },
  };
}

function readTool(value: unknown, field: string): ToolDefinition {
  const tool = objectAt(value, field);
  if (tool.type !== "function") {
    throw invalidInput(`${field}.type`, `must be "function", got ${kindOf(tool.type)}`);
  }
  const fn = objectAt(tool.function, `${field}.function`);
  const out: ToolDefinition = {
    type: "function",
    function: { name: stringAt(fn.name, `${field}.function.name`, "get_weather") },
  };
  const description = optionalStringAt(fn.description, `${field}.function.description`);
  if (description !== undefined) out.function.description = description;
  if (fn.parameters !== undefined && fn.parameters !== null) {
    out.function.parameters = objectAt(fn.parameters, `${field}.function.parameters`);
  }
  const strict = optionalBooleanAt(fn.strict, `${field}.function.strict`);
  if (strict !== undefined) out.function.strict = strict;
  return out;
}

function readToolChoice(value: unknown, field: string): ToolChoice {
  if (value === "none" || value === "auto" || value === "required") return value;
  const choice = objectAt(value, field);
  const fn = objectAt(choice.function, `${field}.function`);
  return {
    type: "function",
    function: { name: stringAt(fn.name, `${field}.function.name`, "get_weather") },
  };
}

function readStop(value: unknown): string | string[] {
  if (typeof value === "string") return value;
  const list = arrayAt(value, "stop", "strings");
  if (list.some((item) => typeof item !== "string"))
    throw invalidInput("stop", "must be a string or an array of strings");
  return list as string[];
}

/**
 * A client result as a `chat.completion` object, under the model name the caller used.
 *
 * @example
 * ```ts
 * renderChatCompletion(result, "gpt-4o-mini").choices[0].message.content;
 * ```
 */
export function renderChatCompletion(result: ClientChatResult, model: string) {
  return {
    id: result.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: result.message.content,
          refusal: null,
          ...(result.message.tool_calls !== undefined && result.message.tool_calls.length > 0
            ? { tool_calls: result.message.tool_calls }
            : {}),
        },
        logprobs: null,
        finish_reason: openAIFinishReason(result.finishReason),
      },
    ],
    usage: openAIUsage(result.usage),
  };
}

function chatCompletionsEncoder(model: string, request: ChatRequest): StreamEncoder {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = request.stream_options?.include_usage === true;
  let first = true;
  const frame = (delta: Record<string, unknown>, finishReason: string | null) =>
    sse({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });
  return {
    chunk(chunk: ChatChunk) {
      const delta: Record<string, unknown> = {};
      if (first) {
        delta.role = "assistant";
        first = false;
      }
      if (chunk.text !== undefined && chunk.text !== "") delta.content = chunk.text;
      if (chunk.toolCalls !== undefined && chunk.toolCalls.length > 0) {
        delta.tool_calls = chunk.toolCalls.map((call) => ({
          index: call.index,
          ...(call.id !== undefined ? { id: call.id, type: "function" } : {}),
          function: {
            ...(call.name !== undefined ? { name: call.name } : {}),
            arguments: call.argumentsDelta ?? "",
          },
        }));
      }
      const finish =
        chunk.finishReason === undefined ? null : openAIFinishReason(chunk.finishReason);
      if (Object.keys(delta).length === 0 && finish === null) return "";
      return frame(delta, finish);
    },
    end(result) {
      let out = first ? frame({ role: "assistant", content: "" }, null) : "";
      if (includeUsage) {
        out += sse({
          id,
          object: "chat.completion.chunk",
          created,
          model,
          choices: [],
          usage: openAIUsage(result.usage),
        });
      }
      return `${out}data: [DONE]\n\n`;
    },
    error(failure) {
      return sse(openAIErrorJson(failure));
    },
  };
}

/** The Chat Completions front. */
export const chatCompletionsFront: ChatFront = {
  name: "openai",
  parse: parseChatCompletionsBody,
  render: renderChatCompletion,
  encoder: chatCompletionsEncoder,
  errorBody: openAIErrorJson,
};
