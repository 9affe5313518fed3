/**
 * OpenAI-shaped chat ↔ the OpenAI Responses API (`POST /v1/responses`).
 *
 * Requests: every message becomes an `input` item in order (system and developer messages keep
 * their role; user content parts become `input_text` / `input_image`; assistant `tool_calls`
 * become `function_call` items; `tool` messages become `function_call_output` items);
 * `max_completion_tokens` / `max_tokens` → `max_output_tokens`; tools are flattened
 * (`{ type: "function", name, parameters }`); `response_format` → `text.format`;
 * `reasoning_effort` → `reasoning.effort`; `store: false`, so OpenAI keeps no copy of the
 * conversation. Not translatable, so rejected: `n` > 1 and `stop` (the Responses API has no stop
 * sequences). Ignored (no Responses equivalent): `seed`, penalties, message `name`s.
 *
 * Replies: `output_text` and `refusal` parts are the text, `function_call` items the tool calls,
 * reasoning items are left out; usage comes from `usage` (`input_tokens_details.cached_tokens`,
 * `output_tokens_details.reasoning_tokens`). A stream is complete only at `response.completed`
 * (or `response.incomplete`, which still reports usage); `response.failed` and `error` events
 * are provider errors, and so is a non-streamed body with a non-null `error` (checked where
 * every provider's JSON is read, see `provider-request.ts`).
 */

import type { Usage } from "../../core/cost/index.js";
import { invalidInput } from "../../core/errors/index.js";
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ToolCall,
  ToolChoice,
} from "../../core/messages/index.js";
import { type ChatStreamDecoder, StreamPayloadError } from "./chat-stream.js";
import { assistantMessage, contentParts, contentText } from "./chat-text.js";
import { asArray, asRecord } from "./json-record.js";
import { adaptOpenAIRequest } from "./openai-model-parameters.js";
import { malformedReplyError } from "./provider-error.js";
import type { ChatChunk, ChatResult, FinishReason } from "./types.js";
import { emptyUsage, usageFromOpenAIWire } from "./wire-usage.js";

/** A content part of an input message. */
export type ResponsesInputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "low" | "high" | "auto" }
  | { type: "output_text"; text: string };

/** One item of a request's `input`. */
export type ResponsesInputItem =
  | {
      type?: "message";
      role: "system" | "developer" | "user" | "assistant";
      content: string | ResponsesInputContent[];
    }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string };

/** A function tool, flattened as the Responses API declares it. */
export interface ResponsesFunctionTool {
  type: "function";
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

/** The body of `POST /v1/responses` with the fields tokenwise sends. */
export interface ResponsesRequestBody {
  model: string;
  input: ResponsesInputItem[];
  store: boolean;
  stream?: boolean;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  tools?: ResponsesFunctionTool[];
  tool_choice?: "none" | "auto" | "required" | { type: "function"; name: string };
  text?: { format: Record<string, unknown> };
  reasoning?: { effort: string };
  user?: string;
}

/** `usage` of a response: totals include their details (cached ⊂ input, reasoning ⊂ output). */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens?: number;
}

/** An item of a response's `output`. */
export type ResponsesOutputItem =
  | {
      type: "message";
      id: string;
      role: "assistant";
      status?: string;
      content: Array<
        | { type: "output_text"; text: string; annotations?: unknown[] }
        | { type: "refusal"; refusal: string }
      >;
    }
  | {
      type: "function_call";
      id?: string;
      call_id: string;
      name: string;
      arguments: string;
      status?: string;
    }
  | { type: "reasoning"; id: string; summary: unknown[] };

/** A response object (`object: "response"`). */
export interface ResponsesResponse {
  id: string;
  object: "response";
  created_at: number;
  status: "completed" | "incomplete" | "failed" | "in_progress" | "queued" | "cancelled";
  model: string;
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" | string } | null;
}

/** The streamed events tokenwise reads; others (`response.in_progress`, `*.done`...) are skipped. */
export type ResponsesStreamEvent =
  | { type: "response.created"; response: ResponsesResponse; sequence_number?: number }
  | {
      type: "response.output_item.added" | "response.output_item.done";
      output_index: number;
      item: ResponsesOutputItem;
      sequence_number?: number;
    }
  | {
      type:
        | "response.output_text.delta"
        | "response.refusal.delta"
        | "response.function_call_arguments.delta";
      item_id: string;
      output_index: number;
      content_index?: number;
      delta: string;
      sequence_number?: number;
    }
  | {
      type: "response.completed" | "response.incomplete" | "response.failed";
      response: ResponsesResponse;
      sequence_number?: number;
    }
  | { type: "error"; code: string | null; message: string; param: string | null };

/**
 * The request body for POST /responses.
 *
 * @example
 * ```ts
 * toResponsesBody({ model: "gpt-5", messages: [{ role: "user", content: "Hi" }], max_tokens: 50 }, { stream: true });
 * // { model: "gpt-5", input: [{ role: "user", content: "Hi" }], store: false, stream: true, max_output_tokens: 50 }
 * ```
 */
export function toResponsesBody(
  chatRequest: ChatRequest,
  options: { stream: boolean },
): ResponsesRequestBody {
  const request = adaptOpenAIRequest(chatRequest);
  if (request.n !== undefined && request.n !== 1) {
    throw invalidInput(
      "n",
      `must be 1 for the Responses API, which returns one reply per call; got ${request.n}`,
    );
  }
  if (request.stop !== undefined) {
    throw invalidInput(
      "stop",
      "has no Responses API equivalent; remove it or call the Chat Completions API",
    );
  }
  const body: ResponsesRequestBody = {
    model: request.model,
    input: toResponsesInput(request.messages),
    store: false,
  };
  if (options.stream) body.stream = true;
  const maxOutput = request.max_completion_tokens ?? request.max_tokens;
  if (maxOutput !== undefined) body.max_output_tokens = maxOutput;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      name: tool.function.name,
      ...(tool.function.description !== undefined
        ? { description: tool.function.description }
        : {}),
      parameters: tool.function.parameters ?? { type: "object", properties: {} },
      ...(tool.function.strict !== undefined ? { strict: tool.function.strict } : {}),
    }));
    if (request.tool_choice !== undefined)
      body.tool_choice = toResponsesToolChoice(request.tool_choice);
  }
  const format = toResponsesTextFormat(request.response_format);
  if (format !== undefined) body.text = { format };
  if (request.reasoning_effort !== undefined) body.reasoning = { effort: request.reasoning_effort };
  if (request.user !== undefined) body.user = request.user;
  return body;
}

/**
 * Chat messages as Responses `input` items.
 *
 * @example
 * ```ts
 * toResponsesInput([{ role: "tool", tool_call_id: "call_1", content: "42" }]);
 * // [{ type: "function_call_output", call_id: "call_1", output: "42" }]
 * ```
 */
export function toResponsesInput(messages: ChatMessage[]): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = [];
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
      case "user":
        items.push({
          role: message.role,
          content:
            typeof message.content === "string"
              ? message.content
              : contentParts(message).map((part, partIndex) =>
                  toInputContent(part, `${field}.content[${partIndex}]`),
                ),
        });
        return;
      case "assistant": {
        const text = contentText(message);
        if (text !== "") items.push({ role: "assistant", content: text });
        for (const call of message.tool_calls ?? []) {
          items.push({
            type: "function_call",
            call_id: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
          });
        }
        return;
      }
      case "tool":
        if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
          throw invalidInput(
            `${field}.tool_call_id`,
            "must name the tool call this message answers",
          );
        }
        items.push({
          type: "function_call_output",
          call_id: message.tool_call_id,
          output: contentText(message),
        });
        return;
    }
  });
  return items;
}

function toInputContent(part: ContentPart, field: string): ResponsesInputContent {
  if (part.type === "text") return { type: "input_text", text: part.text };
  if (typeof part.image_url?.url !== "string" || part.image_url.url === "") {
    throw invalidInput(`${field}.image_url.url`, "must be an https or data: URL");
  }
  return {
    type: "input_image",
    image_url: part.image_url.url,
    detail: part.image_url.detail ?? "auto",
  };
}

function toResponsesToolChoice(choice: ToolChoice): ResponsesRequestBody["tool_choice"] {
  if (typeof choice === "string") return choice;
  return { type: "function", name: choice.function.name };
}

function toResponsesTextFormat(
  format: ChatRequest["response_format"],
): Record<string, unknown> | undefined {
  if (format === undefined || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const schema = asRecord(format.json_schema);
  return {
    type: "json_schema",
    name: typeof schema.name === "string" ? schema.name : "response",
    schema: asRecord(schema.schema),
    ...(typeof schema.strict === "boolean" ? { strict: schema.strict } : {}),
  };
}

/**
 * The finish reason of a response: `incomplete` with `max_output_tokens` is "length",
 * with `content_filter` is "content_filter"; a completed reply with tool calls is "tool_calls".
 */
export function finishReasonFromResponses(response: unknown, hasToolCalls: boolean): FinishReason {
  const record = asRecord(response);
  if (record.status === "incomplete") {
    const reason = asRecord(record.incomplete_details).reason;
    if (reason === "max_output_tokens") return "length";
    if (reason === "content_filter") return "content_filter";
    return "other";
  }
  if (record.status === "completed") return hasToolCalls ? "tool_calls" : "stop";
  return "other";
}

/**
 * A response object as a {@link ChatResult}. A body that is not a response (no `output` list)
 * or a `failed` response is a provider error carrying the provider's message.
 *
 * @example
 * ```ts
 * const result = fromResponsesResponse(await response.json(), "openai");
 * result.usage.reasoningTokens;
 * ```
 */
export function fromResponsesResponse(body: unknown, provider: string): ChatResult {
  const response = asRecord(body);
  if (!Array.isArray(response.output)) {
    throw malformedReplyError({
      provider,
      message: `${provider} answered /responses without an output list.`,
      providerMessage: "no output",
    });
  }
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const raw of response.output) {
    const item = asRecord(raw);
    if (item.type === "message") text += messageText(item);
    if (item.type === "function_call") {
      toolCalls.push({
        id: String(item.call_id ?? item.id ?? ""),
        type: "function",
        function: { name: String(item.name ?? ""), arguments: String(item.arguments ?? "") },
      });
    }
  }
  return {
    id: String(response.id ?? ""),
    model: String(response.model ?? ""),
    provider,
    message: assistantMessage(text, toolCalls),
    finishReason: finishReasonFromResponses(response, toolCalls.length > 0),
    usage: usageFromOpenAIWire(response.usage, provider) ?? emptyUsage(),
  };
}

function messageText(item: Record<string, unknown>): string {
  let text = "";
  for (const raw of asArray(item.content)) {
    const part = asRecord(raw);
    if (part.type === "output_text" && typeof part.text === "string") text += part.text;
    if (part.type === "refusal" && typeof part.refusal === "string") text += part.refusal;
  }
  return text;
}

/**
 * Decodes the Responses stream. Text and refusal deltas are text; a `function_call` output
 * item opens a tool call (numbered in order of appearance) whose arguments follow as deltas;
 * `response.completed` / `response.incomplete` carry the usage and end the stream;
 * `response.failed` and `error` throw. There is no `[DONE]` line.
 */
export function createResponsesStreamDecoder(provider: string): ChatStreamDecoder {
  let complete = false;
  let usage: Usage | undefined;
  let finishReason: FinishReason = "other";
  let id: string | undefined;
  let model: string | undefined;
  const toolByOutputIndex = new Map<number, { index: number; argumentsLength: number }>();

  const readResponse = (value: unknown) => {
    const response = asRecord(value);
    if (typeof response.id === "string") id = response.id;
    if (typeof response.model === "string") model = response.model;
    usage = usageFromOpenAIWire(response.usage, provider) ?? usage;
    return response;
  };

  return {
    get complete() {
      return complete;
    },
    stopsAtTerminalEvent: true,
    usage: () => usage,
    finalChunk: () => ({
      finishReason,
      ...(usage !== undefined ? { usage } : {}),
      ...(id !== undefined ? { id } : {}),
      ...(model !== undefined ? { model } : {}),
    }),
    handle(event): ChatChunk[] {
      const data = asRecord(JSON.parse(event.data));
      const type = data.type ?? event.event;
      switch (type) {
        case "response.created":
        case "response.in_progress":
          readResponse(data.response);
          return [];
        case "response.output_text.delta":
        case "response.refusal.delta":
          return typeof data.delta === "string" && data.delta !== "" ? [{ text: data.delta }] : [];
        case "response.output_item.added": {
          const item = asRecord(data.item);
          if (item.type !== "function_call") return [];
          const tool = { index: toolByOutputIndex.size, argumentsLength: 0 };
          toolByOutputIndex.set(Number(data.output_index ?? 0), tool);
          const initial = typeof item.arguments === "string" ? item.arguments : "";
          tool.argumentsLength = initial.length;
          return [
            {
              toolCalls: [
                {
                  index: tool.index,
                  id: String(item.call_id ?? item.id ?? ""),
                  name: String(item.name ?? ""),
                  ...(initial !== "" ? { argumentsDelta: initial } : {}),
                },
              ],
            },
          ];
        }
        case "response.function_call_arguments.delta": {
          const tool = toolByOutputIndex.get(Number(data.output_index ?? 0));
          if (tool === undefined || typeof data.delta !== "string" || data.delta === "") return [];
          tool.argumentsLength += data.delta.length;
          return [{ toolCalls: [{ index: tool.index, argumentsDelta: data.delta }] }];
        }
        case "response.output_item.done": {
          const tool = toolByOutputIndex.get(Number(data.output_index ?? 0));
          if (tool === undefined || tool.argumentsLength > 0) return [];
          // A call whose arguments were never streamed: the done item carries them whole.
          const whole = asRecord(data.item).arguments;
          const argumentsDelta = typeof whole === "string" && whole !== "" ? whole : "{}";
          tool.argumentsLength = argumentsDelta.length;
          return [{ toolCalls: [{ index: tool.index, argumentsDelta }] }];
        }
        case "response.completed":
        case "response.incomplete": {
          const response = readResponse(data.response);
          finishReason = finishReasonFromResponses(response, toolByOutputIndex.size > 0);
          complete = true;
          return [];
        }
        case "response.failed": {
          const response = readResponse(data.response);
          throw new StreamPayloadError({ error: response.error ?? data }, 500);
        }
        case "error":
          throw new StreamPayloadError({ error: data }, statusOfResponsesError(data.code));
        default:
          return [];
      }
    },
  };
}

function statusOfResponsesError(code: unknown): number {
  if (code === "rate_limit_exceeded" || code === "insufficient_quota") return 429;
  if (typeof code === "string" && /invalid|not_found|unsupported/.test(code)) return 400;
  return 500;
}
