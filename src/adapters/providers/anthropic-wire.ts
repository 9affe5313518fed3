/**
 * OpenAI-shaped chat ↔ Anthropic Messages API.
 *
 * Requests: system and developer messages become the top-level `system` (one text block each,
 * in order, wherever they appeared); images become `image` blocks (data URLs → base64 source,
 * http(s) URLs → url source); assistant `tool_calls` become `tool_use` blocks; `tool` messages
 * become `tool_result` blocks in a user message (consecutive ones share one message, as
 * Anthropic requires for parallel calls); `stop` → `stop_sequences`; `user` →
 * `metadata.user_id`. `max_tokens` is required by Anthropic: it comes from
 * `max_completion_tokens`, then `max_tokens`, then {@link ANTHROPIC_DEFAULT_MAX_TOKENS}.
 * Not translatable, so rejected: `n` > 1 and a JSON `response_format`. Ignored (no Anthropic
 * equivalent): `seed`, penalties, `reasoning_effort`, message `name`s.
 */

import type { Usage } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from "../../core/messages/index.js";
import { type ChatStreamDecoder, StreamPayloadError } from "./chat-stream.js";
import { assistantMessage, contentParts, systemTexts } from "./chat-text.js";
import { readImageUrl } from "./data-url.js";
import { asArray, asRecord, isRecord } from "./json-record.js";
import { malformedReplyError } from "./provider-error.js";
import { parseToolArguments } from "./tool-arguments.js";
import type { ChatChunk, ChatResult, FinishReason } from "./types.js";
import { emptyUsage, usageFromAnthropicWire } from "./wire-usage.js";

/** `max_tokens` sent when the request sets none (Anthropic requires one). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type AnthropicBlock = Record<string, unknown>;
interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | AnthropicBlock[];
}

/**
 * The body for POST /v1/messages.
 *
 * @example
 * ```ts
 * toAnthropicMessagesBody({ model: "claude-sonnet-4-5", messages }, { stream: false });
 * // { model, max_tokens: 4096, system: [...], messages: [...] }
 * ```
 */
export function toAnthropicMessagesBody(
  request: ChatRequest,
  options: { stream: boolean; defaultMaxTokens?: number },
): Record<string, unknown> {
  if (request.n !== undefined && request.n !== 1) {
    throw invalidInput(
      "n",
      `must be 1 for anthropic, which returns one reply per call; got ${request.n}`,
    );
  }
  const format = request.response_format?.type;
  if (format !== undefined && format !== "text") {
    throw invalidInput(
      "response_format",
      `type "${format}" has no Anthropic Messages equivalent; describe the JSON in the prompt or use a tool instead`,
    );
  }
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens:
      request.max_completion_tokens ??
      request.max_tokens ??
      options.defaultMaxTokens ??
      ANTHROPIC_DEFAULT_MAX_TOKENS,
    ...toAnthropicPrompt(request),
  };
  if (request.stop !== undefined) {
    body.stop_sequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (options.stream) body.stream = true;
  return body;
}

/**
 * The body for POST /v1/messages/count_tokens: the prompt part of a messages request.
 *
 * @example
 * ```ts
 * toAnthropicCountTokensBody({ model: "claude-haiku-4-5", messages });
 * ```
 */
export function toAnthropicCountTokensBody(request: ChatRequest): Record<string, unknown> {
  return { model: request.model, ...toAnthropicPrompt(request) };
}

function toAnthropicPrompt(request: ChatRequest): Record<string, unknown> {
  const { system, messages } = toAnthropicConversation(request.messages);
  const prompt: Record<string, unknown> = {};
  if (system.length > 0) prompt.system = system;
  prompt.messages = messages;
  // Anthropic accepts tool_choice only alongside tools.
  if (request.tools !== undefined && request.tools.length > 0) {
    prompt.tools = request.tools.map(toAnthropicTool);
    if (request.tool_choice !== undefined) {
      prompt.tool_choice = toAnthropicToolChoice(request.tool_choice);
    }
  }
  return prompt;
}

/**
 * Splits OpenAI-shaped messages into Anthropic's `system` blocks and `messages`.
 *
 * @example
 * ```ts
 * toAnthropicConversation([{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }]);
 * // { system: [{ type: "text", text: "Be brief" }], messages: [{ role: "user", content: "Hi" }] }
 * ```
 */
export function toAnthropicConversation(messages: ChatMessage[]): {
  system: AnthropicBlock[];
  messages: AnthropicMessage[];
} {
  const system: AnthropicBlock[] = [];
  const out: AnthropicMessage[] = [];
  let toolResults: AnthropicBlock[] | undefined;
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    if (message.role !== "tool") toolResults = undefined;
    switch (message.role) {
      case "system":
      case "developer":
        for (const text of systemTexts(message, { field, provider: "anthropic" })) {
          system.push({ type: "text", text });
        }
        return;
      case "user":
        out.push({
          role: "user",
          content:
            typeof message.content === "string"
              ? message.content
              : contentParts(message).map((part, partIndex) =>
                  toAnthropicContentBlock(part, `${field}.content[${partIndex}]`),
                ),
        });
        return;
      case "assistant": {
        const toolCalls = message.tool_calls ?? [];
        if (toolCalls.length === 0 && typeof message.content === "string") {
          if (message.content !== "") out.push({ role: "assistant", content: message.content });
          return;
        }
        const blocks: AnthropicBlock[] = contentParts(message).map((part, partIndex) =>
          toAnthropicContentBlock(part, `${field}.content[${partIndex}]`),
        );
        toolCalls.forEach((call, callIndex) => {
          blocks.push({
            type: "tool_use",
            id: call.id,
            name: call.function.name,
            input: parseToolArguments(call, `${field}.tool_calls[${callIndex}].function.arguments`),
          });
        });
        if (blocks.length > 0) out.push({ role: "assistant", content: blocks });
        return;
      }
      case "tool": {
        if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
          throw invalidInput(
            `${field}.tool_call_id`,
            "must name the tool call this message answers",
          );
        }
        const block: AnthropicBlock = {
          type: "tool_result",
          tool_use_id: message.tool_call_id,
          content:
            typeof message.content === "string" || message.content === null
              ? (message.content ?? "")
              : contentParts(message).map((part, partIndex) =>
                  toAnthropicContentBlock(part, `${field}.content[${partIndex}]`),
                ),
        };
        if (toolResults) {
          toolResults.push(block);
        } else {
          toolResults = [block];
          out.push({ role: "user", content: toolResults });
        }
        return;
      }
    }
  });
  return { system, messages: out };
}

function toAnthropicContentBlock(part: ContentPart, field: string): AnthropicBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  const image = readImageUrl(part.image_url.url, `${field}.image_url.url`);
  if (image.kind === "inline") {
    return {
      type: "image",
      source: { type: "base64", media_type: image.mediaType, data: image.base64 },
    };
  }
  return { type: "image", source: { type: "url", url: image.url } };
}

/** An OpenAI function tool as an Anthropic tool. */
export function toAnthropicTool(tool: ToolDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { name: tool.function.name };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  out.input_schema = tool.function.parameters ?? { type: "object", properties: {} };
  return out;
}

/** `auto` → auto, `required` → any, `none` → none, a named function → tool. */
export function toAnthropicToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (choice === "auto") return { type: "auto" };
  if (choice === "required") return { type: "any" };
  if (choice === "none") return { type: "none" };
  return { type: "tool", name: choice.function.name };
}

/** Anthropic `stop_reason` in OpenAI terms. */
export function finishReasonFromAnthropic(reason: unknown): FinishReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
    // A long server-tool turn Anthropic paused: the reply so far is whole; send it back to continue.
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}

/**
 * An Anthropic message as a {@link ChatResult}: text blocks joined, `tool_use` blocks as tool
 * calls with JSON-string arguments, thinking blocks left out.
 *
 * @example
 * ```ts
 * fromAnthropicMessage(await response.json(), "anthropic").message.content;
 * ```
 */
export function fromAnthropicMessage(body: unknown, provider: string): ChatResult {
  const message = asRecord(body);
  if (message.type !== "message" && !Array.isArray(message.content)) {
    throw malformedReplyError({
      provider,
      message: `${provider} answered /v1/messages without a message (no content list).`,
      providerMessage: "no message",
    });
  }
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const item of asArray(message.content)) {
    const block = asRecord(item);
    if (block.type === "text" && typeof block.text === "string") text += block.text;
    if (block.type === "tool_use") {
      toolCalls.push({
        id: String(block.id ?? ""),
        type: "function",
        function: { name: String(block.name ?? ""), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return {
    id: String(message.id ?? ""),
    model: String(message.model ?? ""),
    provider,
    message: assistantMessage(text, toolCalls),
    finishReason: finishReasonFromAnthropic(message.stop_reason),
    usage: usageFromAnthropicWire(message.usage, provider) ?? emptyUsage(),
  };
}

const ANTHROPIC_ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

interface BlockState {
  kind: "text" | "tool_use" | "other";
  toolIndex: number;
  argumentsLength: number;
}

/**
 * Decodes the Messages stream: message_start (id, model, input usage), content_block_start /
 * content_block_delta (text_delta, input_json_delta) / content_block_stop, message_delta
 * (stop_reason, cumulative output usage), message_stop (terminal), ping, error. Unknown event
 * types are skipped, as Anthropic's versioning policy asks.
 */
export function createAnthropicStreamDecoder(provider: string): ChatStreamDecoder {
  let complete = false;
  let id: string | undefined;
  let model: string | undefined;
  let stopReason: unknown;
  let rawUsage: Record<string, unknown> | undefined;
  let usage: Usage | undefined;
  let toolCount = 0;
  const blocks = new Map<number, BlockState>();

  const mergeUsage = (reported: unknown) => {
    if (!isRecord(reported)) return;
    rawUsage = { ...rawUsage };
    for (const [key, value] of Object.entries(reported)) {
      if (typeof value === "number") rawUsage[key] = value;
      // cache_creation (write lifetimes) and output_tokens_details (thinking) are objects.
      if (isRecord(value)) rawUsage[key] = { ...asRecord(rawUsage[key]), ...value };
    }
    usage = usageFromAnthropicWire(rawUsage, provider);
  };

  return {
    get complete() {
      return complete;
    },
    stopsAtTerminalEvent: true,
    usage: () => usage,
    finalChunk: () => ({
      finishReason: finishReasonFromAnthropic(stopReason),
      usage: usage ?? emptyUsage(),
      ...(id !== undefined ? { id } : {}),
      ...(model !== undefined ? { model } : {}),
    }),
    handle(event): ChatChunk[] {
      const data = asRecord(JSON.parse(event.data));
      const type = event.event ?? data.type;
      switch (type) {
        case "message_start": {
          const message = asRecord(data.message);
          if (typeof message.id === "string") id = message.id;
          if (typeof message.model === "string") model = message.model;
          mergeUsage(message.usage);
          return [];
        }
        case "content_block_start": {
          const index = Number(data.index ?? 0);
          const block = asRecord(data.content_block);
          if (block.type === "tool_use") {
            const toolIndex = toolCount++;
            blocks.set(index, { kind: "tool_use", toolIndex, argumentsLength: 0 });
            return [
              {
                toolCalls: [
                  { index: toolIndex, id: String(block.id ?? ""), name: String(block.name ?? "") },
                ],
              },
            ];
          }
          blocks.set(index, {
            kind: block.type === "text" ? "text" : "other",
            toolIndex: -1,
            argumentsLength: 0,
          });
          return block.type === "text" && typeof block.text === "string" && block.text !== ""
            ? [{ text: block.text }]
            : [];
        }
        case "content_block_delta": {
          const state = blocks.get(Number(data.index ?? 0));
          const delta = asRecord(data.delta);
          if (delta.type === "text_delta" && typeof delta.text === "string" && delta.text !== "") {
            return [{ text: delta.text }];
          }
          if (delta.type === "input_json_delta" && state?.kind === "tool_use") {
            const partial = typeof delta.partial_json === "string" ? delta.partial_json : "";
            if (partial === "") return [];
            state.argumentsLength += partial.length;
            return [{ toolCalls: [{ index: state.toolIndex, argumentsDelta: partial }] }];
          }
          return [];
        }
        case "content_block_stop": {
          const state = blocks.get(Number(data.index ?? 0));
          // A call without arguments streams no JSON at all; OpenAI's shape wants "{}".
          if (state?.kind === "tool_use" && state.argumentsLength === 0) {
            return [{ toolCalls: [{ index: state.toolIndex, argumentsDelta: "{}" }] }];
          }
          return [];
        }
        case "message_delta":
          stopReason = asRecord(data.delta).stop_reason ?? stopReason;
          mergeUsage(data.usage);
          return [];
        case "message_stop":
          complete = true;
          return [];
        case "error": {
          const errorType = String(asRecord(data.error).type ?? "api_error");
          throw new StreamPayloadError(data, ANTHROPIC_ERROR_STATUS[errorType] ?? 500);
        }
        default:
          return [];
      }
    },
  };
}
