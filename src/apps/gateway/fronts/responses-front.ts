/**
 * The OpenAI Responses API front (`POST /v1/responses`), which coding agents and the Vercel AI
 * SDK's default OpenAI model speak. The gateway is stateless: every request carries its whole
 * conversation in `input` (`previous_response_id` is refused). `instructions` becomes a system
 * message, `function_call` / `function_call_output` items become tool calls and tool
 * messages, reasoning items are dropped. Replies are `response` objects; streams are the
 * typed `response.*` events with a `sequence_number` each.
 */
import { randomUUID } from "node:crypto";
import type { ChatChunk, FinishReason } from "../../../adapters/providers/index.js";
import type { Usage } from "../../../core/cost/index.js";
import { invalidInput } from "../../../core/errors/index.js";
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ToolChoice,
  ToolDefinition,
} from "../../../core/messages/index.js";
import type { ClientChatResult } from "../../client/index.js";
import type { GatewayFailure } from "../gateway-failure.js";
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
import { openAIErrorJson } from "./chat-completions-front.js";
import { type ChatFront, type ParsedChat, type StreamEncoder, sse } from "./front.js";

/** A canonical usage in the Responses API's `usage` shape. */
export function responsesUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/**
 * Reads a Responses API body into the canonical request.
 *
 * @example
 * ```ts
 * parseResponsesBody({ model: "gpt-4o-mini", input: "Hi", max_output_tokens: 100 });
 * ```
 */
export function parseResponsesBody(body: unknown): ParsedChat {
  const root = objectAt(body, "body");
  if (root.previous_response_id !== undefined && root.previous_response_id !== null) {
    throw invalidInput(
      "previous_response_id",
      "is not supported: this gateway stores no responses; send the whole conversation in input (store: false)",
    );
  }
  const messages: ChatMessage[] = [];
  const instructions = optionalStringAt(root.instructions, "instructions");
  if (instructions !== undefined && instructions !== "")
    messages.push({ role: "system", content: instructions });
  if (typeof root.input === "string") messages.push({ role: "user", content: root.input });
  else {
    arrayAt(root.input, "input", "input items or a string").forEach((item, index) => {
      readItem(objectAt(item, `input[${index}]`), `input[${index}]`, messages);
    });
  }
  if (!messages.some((message) => message.role !== "system")) {
    throw invalidInput(
      "input",
      'must hold at least one message, e.g. "Hi" or [{ "role": "user", "content": "Hi" }]',
    );
  }
  const request: ChatRequest = { model: stringAt(root.model, "model", "gpt-4o-mini"), messages };
  const maxTokens = optionalNumberAt(root.max_output_tokens, "max_output_tokens", {
    min: 1,
    integer: true,
  });
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  const temperature = optionalNumberAt(root.temperature, "temperature", { min: 0, max: 2 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumberAt(root.top_p, "top_p", { min: 0, max: 1 });
  if (topP !== undefined) request.top_p = topP;
  const user = optionalStringAt(root.user, "user");
  if (user !== undefined) request.user = user;
  if (root.tools !== undefined && root.tools !== null) {
    const tools = arrayAt(root.tools, "tools", "function tools").map((tool, index) =>
      readTool(tool, `tools[${index}]`),
    );
    if (tools.length > 0) request.tools = tools;
  }
  if (root.tool_choice !== undefined && root.tool_choice !== null)
    request.tool_choice = readToolChoice(root.tool_choice);
  if (root.text !== undefined && root.text !== null) {
    const format = objectAt(root.text, "text").format;
    if (format !== undefined && format !== null) {
      const spec = objectAt(format, "text.format");
      if (spec.type === "json_schema") {
        request.response_format = {
          type: "json_schema",
          json_schema: { name: spec.name, schema: spec.schema, strict: spec.strict },
        };
      } else if (spec.type === "json_object") request.response_format = { type: "json_object" };
      else if (spec.type !== "text") {
        throw invalidInput(
          "text.format.type",
          `must be text, json_object or json_schema, got ${kindOf(spec.type)}`,
        );
      }
    }
  }
  if (root.reasoning !== undefined && root.reasoning !== null) {
    const effort = objectAt(root.reasoning, "reasoning").effort;
    if (effort !== undefined && effort !== null) {
      if (!["minimal", "low", "medium", "high"].includes(effort as string)) {
        throw invalidInput(
          "reasoning.effort",
          `must be minimal, low, medium or high, got ${kindOf(effort)}`,
        );
      }
      request.reasoning_effort = effort as ChatRequest["reasoning_effort"];
    }
  }
  return { request, stream: optionalBooleanAt(root.stream, "stream") === true };
}

function readItem(item: JsonObject, field: string, messages: ChatMessage[]): void {
  const type = item.type ?? "message";
  if (type === "reasoning") return;
  if (type === "function_call") {
    const call = {
      id: stringAt(item.call_id, `${field}.call_id`, "call_1"),
      type: "function" as const,
      function: {
        name: stringAt(item.name, `${field}.name`, "get_weather"),
        arguments: typeof item.arguments === "string" ? item.arguments : "{}",
      },
    };
    const last = messages.at(-1);
    if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), call];
    else messages.push({ role: "assistant", content: null, tool_calls: [call] });
    return;
  }
  if (type === "function_call_output") {
    const output = item.output;
    messages.push({
      role: "tool",
      tool_call_id: stringAt(item.call_id, `${field}.call_id`, "call_1"),
      content: typeof output === "string" ? output : contentParts(output, `${field}.output`),
    });
    return;
  }
  if (type !== "message") {
    throw invalidInput(
      `${field}.type`,
      `must be message, function_call, function_call_output or reasoning, got ${kindOf(type)}`,
    );
  }
  const role = item.role;
  if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") {
    throw invalidInput(
      `${field}.role`,
      `must be user, assistant, system or developer, got ${kindOf(role)}`,
    );
  }
  const content =
    typeof item.content === "string"
      ? item.content
      : contentParts(item.content, `${field}.content`);
  messages.push({ role, content });
}

function contentParts(value: unknown, field: string): ContentPart[] {
  return arrayAt(value, field, "content parts").map((part, index) => {
    const at = `${field}[${index}]`;
    const item = objectAt(part, at);
    if (item.type === "input_text" || item.type === "output_text" || item.type === "text") {
      return {
        type: "text",
        text: typeof item.text === "string" ? item.text : stringAt(item.text, `${at}.text`, "Hi"),
      };
    }
    if (item.type === "refusal") return { type: "text", text: String(item.refusal ?? "") };
    if (item.type === "input_image") {
      const url = stringAt(item.image_url, `${at}.image_url`, "https://example.com/cat.png");
      const image: ContentPart = { type: "image_url", image_url: { url } };
      if (item.detail === "low" || item.detail === "high" || item.detail === "auto")
        image.image_url.detail = item.detail;
      return image;
    }
    throw invalidInput(
      `${at}.type`,
      `must be input_text, output_text or input_image, got ${kindOf(item.type)}`,
    );
  });
}

function readTool(value: unknown, field: string): ToolDefinition {
  const tool = objectAt(value, field);
  if (tool.type !== "function") {
    throw invalidInput(
      `${field}.type`,
      `must be "function" (built-in tools are not served by this gateway), got ${kindOf(tool.type)}`,
    );
  }
  const out: ToolDefinition = {
    type: "function",
    function: { name: stringAt(tool.name, `${field}.name`, "get_weather") },
  };
  const description = optionalStringAt(tool.description, `${field}.description`);
  if (description !== undefined) out.function.description = description;
  if (tool.parameters !== undefined && tool.parameters !== null) {
    out.function.parameters = objectAt(tool.parameters, `${field}.parameters`);
  }
  const strict = optionalBooleanAt(tool.strict, `${field}.strict`);
  if (strict !== undefined) out.function.strict = strict;
  return out;
}

function readToolChoice(value: unknown): ToolChoice {
  if (value === "none" || value === "auto" || value === "required") return value;
  const choice = objectAt(value, "tool_choice");
  if (choice.type !== "function")
    throw invalidInput("tool_choice.type", `must be "function", got ${kindOf(choice.type)}`);
  return {
    type: "function",
    function: { name: stringAt(choice.name, "tool_choice.name", "get_weather") },
  };
}

function status(reason: FinishReason): { status: string; incomplete_details: unknown } {
  return reason === "length"
    ? { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }
    : reason === "content_filter"
      ? { status: "incomplete", incomplete_details: { reason: "content_filter" } }
      : { status: "completed", incomplete_details: null };
}

function responseShell(id: string, model: string, createdAt: number) {
  return {
    id,
    object: "response",
    created_at: createdAt,
    model,
    error: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
  };
}

function messageItem(id: string, text: string, itemStatus: string) {
  return {
    type: "message",
    id,
    status: itemStatus,
    role: "assistant",
    content: itemStatus === "in_progress" ? [] : [{ type: "output_text", text, annotations: [] }],
  };
}

/**
 * A client result as a Responses API `response` object.
 *
 * @example
 * ```ts
 * renderResponse(result, "gpt-4o-mini").output[0].content[0].text;
 * ```
 */
export function renderResponse(result: ClientChatResult, model: string) {
  const id = `resp_${randomUUID().replaceAll("-", "")}`;
  const output: unknown[] = [];
  const text = typeof result.message.content === "string" ? result.message.content : "";
  const calls = result.message.tool_calls ?? [];
  if (text !== "" || calls.length === 0)
    output.push(messageItem(`msg_${id.slice(5)}`, text, "completed"));
  calls.forEach((call, index) => {
    output.push({
      type: "function_call",
      id: `fc_${id.slice(5)}_${index}`,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: "completed",
    });
  });
  return {
    ...responseShell(id, model, Math.floor(Date.now() / 1000)),
    ...status(result.finishReason),
    output,
    output_text: text,
    usage: responsesUsage(result.usage),
  };
}

interface OpenItem {
  index: number;
  id: string;
  kind: "message" | "function_call";
  callId?: string;
  name?: string;
  text: string;
}

function responsesEncoder(model: string): StreamEncoder {
  const id = `resp_${randomUUID().replaceAll("-", "")}`;
  const createdAt = Math.floor(Date.now() / 1000);
  let sequence = 0;
  let started = false;
  const items: OpenItem[] = [];
  let message: OpenItem | undefined;
  const calls = new Map<number, OpenItem>();
  const event = (data: Record<string, unknown>) =>
    sse({ ...data, sequence_number: sequence++ }, data.type as string);
  const start = () => {
    if (started) return "";
    started = true;
    const response = {
      ...responseShell(id, model, createdAt),
      status: "in_progress",
      output: [],
      usage: null,
    };
    return (
      event({ type: "response.created", response }) +
      event({ type: "response.in_progress", response })
    );
  };
  const doneItem = (item: OpenItem) =>
    item.kind === "message"
      ? messageItem(item.id, item.text, "completed")
      : {
          type: "function_call",
          id: item.id,
          call_id: item.callId,
          name: item.name,
          arguments: item.text,
          status: "completed",
        };
  const closeMessage = () => {
    if (message === undefined) return "";
    const item = message;
    message = undefined;
    const part = { type: "output_text", text: item.text, annotations: [] };
    return (
      event({
        type: "response.output_text.done",
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        text: item.text,
      }) +
      event({
        type: "response.content_part.done",
        item_id: item.id,
        output_index: item.index,
        content_index: 0,
        part,
      }) +
      event({ type: "response.output_item.done", output_index: item.index, item: doneItem(item) })
    );
  };
  return {
    chunk(chunk: ChatChunk) {
      let out = start();
      if (chunk.text !== undefined && chunk.text !== "") {
        if (message === undefined) {
          message = {
            index: items.length,
            id: `msg_${id.slice(5)}_${items.length}`,
            kind: "message",
            text: "",
          };
          items.push(message);
          out +=
            event({
              type: "response.output_item.added",
              output_index: message.index,
              item: messageItem(message.id, "", "in_progress"),
            }) +
            event({
              type: "response.content_part.added",
              item_id: message.id,
              output_index: message.index,
              content_index: 0,
              part: { type: "output_text", text: "", annotations: [] },
            });
        }
        message.text += chunk.text;
        out += event({
          type: "response.output_text.delta",
          item_id: message.id,
          output_index: message.index,
          content_index: 0,
          delta: chunk.text,
          logprobs: [],
        });
      }
      for (const call of chunk.toolCalls ?? []) {
        let item = calls.get(call.index);
        if (item === undefined) {
          out += closeMessage();
          item = {
            index: items.length,
            id: `fc_${id.slice(5)}_${items.length}`,
            kind: "function_call",
            callId: call.id ?? `call_${id.slice(5)}_${call.index}`,
            name: call.name ?? "",
            text: "",
          };
          items.push(item);
          calls.set(call.index, item);
          out += event({
            type: "response.output_item.added",
            output_index: item.index,
            item: {
              type: "function_call",
              id: item.id,
              call_id: item.callId,
              name: item.name,
              arguments: "",
              status: "in_progress",
            },
          });
        }
        if (call.argumentsDelta !== undefined && call.argumentsDelta !== "") {
          item.text += call.argumentsDelta;
          out += event({
            type: "response.function_call_arguments.delta",
            item_id: item.id,
            output_index: item.index,
            delta: call.argumentsDelta,
          });
        }
      }
      return out;
    },
    end(result) {
      let out = start() + closeMessage();
      for (const item of calls.values()) {
        out +=
          event({
            type: "response.function_call_arguments.done",
            item_id: item.id,
            output_index: item.index,
            arguments: item.text,
          }) +
          event({
            type: "response.output_item.done",
            output_index: item.index,
            item: doneItem(item),
          });
      }
      const ended = status(result.finishReason);
      const response = {
        ...responseShell(id, model, createdAt),
        ...ended,
        output: items.map(doneItem),
        usage: responsesUsage(result.usage),
      };
      return (
        out +
        event({
          type: ended.status === "completed" ? "response.completed" : "response.incomplete",
          response,
        })
      );
    },
    error(failure: GatewayFailure) {
      const body = openAIErrorJson(failure) as {
        error: { code: string; message: string; param: string | null };
      };
      return (
        start() +
        event({
          type: "error",
          code: body.error.code,
          message: body.error.message,
          param: body.error.param,
        })
      );
    },
  };
}

/** The Responses API front. */
export const responsesFront: ChatFront = {
  name: "responses",
  parse: parseResponsesBody,
  render: renderResponse,
  encoder: (model) => responsesEncoder(model),
  errorBody: openAIErrorJson,
};
