/**
 * OpenAI-shaped chat ↔ Gemini `generateContent`.
 *
 * Requests: system and developer messages become `systemInstruction`; assistant → role
 * "model"; images become `inlineData` (data URLs) or `fileData` (http(s) URLs, MIME type from
 * the file extension, default image/jpeg); tools become `functionDeclarations` (JSON Schema via
 * `parametersJsonSchema`); assistant tool calls become `functionCall` parts; `tool` messages
 * become `functionResponse` parts in one user turn per run of consecutive results (the function
 * name is looked up from the earlier tool call); sampling options go to `generationConfig`
 * (`n` → `candidateCount`; only the first candidate is returned). `reasoning_effort` and
 * message `name`s are ignored.
 *
 * Thought signatures: Gemini 3 returns an opaque `thoughtSignature` with function calls and
 * rejects a replayed call without it. OpenAI-shaped histories have nowhere to keep it, so it
 * rides inside the tool call id (`<id>__thought__<signature>`, the convention LiteLLM uses) and
 * is restored on replay; a Gemini 3 call replayed without one gets Google's documented
 * `skip_thought_signature_validator` placeholder.
 */
import { randomUUID } from "node:crypto";
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
import { assistantMessage, contentParts, contentText, systemTexts } from "./chat-text.js";
import { readImageUrl } from "./data-url.js";
import { asArray, asRecord, isRecord } from "./json-record.js";
import { malformedReplyError } from "./provider-error.js";
import { parseToolArguments } from "./tool-arguments.js";
import type { ChatChunk, ChatResult, FinishReason } from "./types.js";
import { emptyUsage, usageFromGeminiWire } from "./wire-usage.js";

export const THOUGHT_SIGNATURE_SEPARATOR = "__thought__";
/** Google's documented placeholder for a replayed Gemini 3 call whose signature was lost. */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

type GeminiPart = Record<string, unknown>;
interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

/**
 * The resource path of a model: "gemini-2.5-flash" → "models/gemini-2.5-flash".
 *
 * @example
 * ```ts
 * geminiModelPath("models/gemini-2.5-pro"); // "models/gemini-2.5-pro"
 * ```
 */
export function geminiModelPath(model: string): string {
  return model.startsWith("models/") || model.startsWith("tunedModels/")
    ? model
    : `models/${model}`;
}

/**
 * The body for POST /models/{model}:generateContent (and :streamGenerateContent).
 *
 * @example
 * ```ts
 * toGeminiGenerateBody({ model: "gemini-2.5-flash", messages, max_tokens: 100 });
 * // { contents: [...], generationConfig: { maxOutputTokens: 100 } }
 * ```
 */
export function toGeminiGenerateBody(request: ChatRequest): Record<string, unknown> {
  const { systemParts, contents } = toGeminiConversation(request.messages, request.model);
  const body: Record<string, unknown> = { contents };
  if (systemParts.length > 0) body.systemInstruction = { parts: systemParts };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => {
          const declaration: Record<string, unknown> = { name: tool.function.name };
          if (tool.function.description !== undefined) {
            declaration.description = tool.function.description;
          }
          if (tool.function.parameters !== undefined) {
            declaration.parametersJsonSchema = tool.function.parameters;
          }
          return declaration;
        }),
      },
    ];
  }
  if (request.tool_choice !== undefined) body.toolConfig = toGeminiToolConfig(request.tool_choice);
  const generationConfig = toGenerationConfig(request);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

/**
 * The body for POST /models/{model}:countTokens, in the `generateContentRequest` form so the
 * system instruction and tools are counted too.
 */
export function toGeminiCountTokensBody(request: ChatRequest): Record<string, unknown> {
  const { generationConfig: _unused, ...generateRequest } = toGeminiGenerateBody(request);
  return { generateContentRequest: { model: geminiModelPath(request.model), ...generateRequest } };
}

/**
 * Splits OpenAI-shaped messages into Gemini's system instruction parts and contents.
 *
 * @example
 * ```ts
 * toGeminiConversation([{ role: "user", content: "Hi" }], "gemini-2.5-flash");
 * // { systemParts: [], contents: [{ role: "user", parts: [{ text: "Hi" }] }] }
 * ```
 */
export function toGeminiConversation(
  messages: ChatMessage[],
  model: string,
): { systemParts: GeminiPart[]; contents: GeminiContent[] } {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const functionNames = new Map<string, string>();
  const needsSignature = /(^|\/)gemini-3/.test(model);
  let functionResponses: GeminiPart[] | undefined;

  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    if (message.role !== "tool") functionResponses = undefined;
    switch (message.role) {
      case "system":
      case "developer":
        for (const text of systemTexts(message, { field, provider: "gemini" })) {
          systemParts.push({ text });
        }
        return;
      case "user": {
        const parts = contentParts(message).map((part, partIndex) =>
          toGeminiPart(part, `${field}.content[${partIndex}]`),
        );
        contents.push({ role: "user", parts: parts.length > 0 ? parts : [{ text: "" }] });
        return;
      }
      case "assistant": {
        const parts: GeminiPart[] = contentParts(message).map((part, partIndex) =>
          toGeminiPart(part, `${field}.content[${partIndex}]`),
        );
        (message.tool_calls ?? []).forEach((call, callIndex) => {
          functionNames.set(call.id, call.function.name);
          const { signature } = splitToolCallId(call.id);
          const part: GeminiPart = {
            functionCall: {
              name: call.function.name,
              args: parseToolArguments(
                call,
                `${field}.tool_calls[${callIndex}].function.arguments`,
              ),
            },
          };
          const thoughtSignature =
            signature ?? (needsSignature ? SKIP_THOUGHT_SIGNATURE : undefined);
          if (thoughtSignature !== undefined) part.thoughtSignature = thoughtSignature;
          parts.push(part);
        });
        if (parts.length > 0) contents.push({ role: "model", parts });
        return;
      }
      case "tool": {
        const name =
          (message.tool_call_id !== undefined
            ? functionNames.get(message.tool_call_id)
            : undefined) ?? message.name;
        if (name === undefined) {
          throw invalidInput(
            `${field}.tool_call_id`,
            "must match a tool call of an earlier assistant message (Gemini needs the function name)",
          );
        }
        const part: GeminiPart = {
          functionResponse: { name, response: functionResponseObject(contentText(message)) },
        };
        if (functionResponses) {
          functionResponses.push(part);
        } else {
          functionResponses = [part];
          contents.push({ role: "user", parts: functionResponses });
        }
        return;
      }
    }
  });
  return { systemParts, contents };
}

function toGeminiPart(part: ContentPart, field: string): GeminiPart {
  if (part.type === "text") return { text: part.text };
  const image = readImageUrl(part.image_url.url, `${field}.image_url.url`);
  if (image.kind === "inline") {
    return { inlineData: { mimeType: image.mediaType, data: image.base64 } };
  }
  return { fileData: { mimeType: mimeTypeFromUrl(image.url), fileUri: image.url } };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

function mimeTypeFromUrl(url: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return (extension !== undefined ? MIME_BY_EXTENSION[extension] : undefined) ?? "image/jpeg";
}

/** Gemini wants an object: a JSON object result is sent as is, anything else as `{ result }`. */
function functionResponseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : { result: parsed };
  } catch {
    return { result: text };
  }
}

/** `auto` → AUTO, `none` → NONE, `required` → ANY, a named function → ANY limited to it. */
export function toGeminiToolConfig(choice: ToolChoice): Record<string, unknown> {
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
}

function toGenerationConfig(request: ChatRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  if (request.stop !== undefined) {
    config.stopSequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  }
  if (request.n !== undefined) config.candidateCount = request.n;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presence_penalty !== undefined) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty !== undefined) config.frequencyPenalty = request.frequency_penalty;
  const format = request.response_format;
  if (format?.type === "json_object") config.responseMimeType = "application/json";
  if (format?.type === "json_schema") {
    config.responseMimeType = "application/json";
    const schema = asRecord(format.json_schema).schema;
    if (schema !== undefined) config.responseJsonSchema = schema;
  }
  return config;
}

/**
 * Splits a tool call id made by this adapter into the id and the thought signature it carries.
 *
 * @example
 * ```ts
 * splitToolCallId("call_1__thought__abc"); // { id: "call_1", signature: "abc" }
 * ```
 */
export function splitToolCallId(toolCallId: string): { id: string; signature?: string } {
  const at = toolCallId.indexOf(THOUGHT_SIGNATURE_SEPARATOR);
  if (at < 0) return { id: toolCallId };
  return {
    id: toolCallId.slice(0, at),
    signature: toolCallId.slice(at + THOUGHT_SIGNATURE_SEPARATOR.length),
  };
}

function toolCallIdFor(part: Record<string, unknown>, fallbackId: string): string {
  const call = asRecord(part.functionCall);
  const id = typeof call.id === "string" && call.id !== "" ? call.id : fallbackId;
  return typeof part.thoughtSignature === "string" && part.thoughtSignature !== ""
    ? `${id}${THOUGHT_SIGNATURE_SEPARATOR}${part.thoughtSignature}`
    : id;
}

/** Gemini `finishReason` in OpenAI terms; STOP with function calls is `tool_calls`. */
export function finishReasonFromGemini(reason: unknown, hasToolCalls: boolean): FinishReason {
  switch (reason) {
    case "STOP":
      return hasToolCalls ? "tool_calls" : "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
      return "content_filter";
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
      return "error";
    default:
      return "other";
  }
}

/**
 * A generateContent response as a {@link ChatResult}: the first candidate's text parts
 * (thought summaries left out) and function calls.
 *
 * @example
 * ```ts
 * fromGeminiResponse(await response.json(), { provider: "gemini", model: "gemini-2.5-flash" });
 * ```
 */
export function fromGeminiResponse(
  body: unknown,
  options: { provider: string; model: string },
): ChatResult {
  const response = asRecord(body);
  if (!Array.isArray(response.candidates) && !isRecord(response.promptFeedback)) {
    throw malformedReplyError({
      provider: options.provider,
      message: `${options.provider} answered generateContent without candidates or promptFeedback.`,
      providerMessage: "no candidates",
    });
  }
  const responseId = typeof response.responseId === "string" ? response.responseId : randomUUID();
  const candidate = asRecord(asArray(response.candidates)[0]);
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const item of asArray(asRecord(candidate.content).parts)) {
    const part = asRecord(item);
    if (typeof part.text === "string" && part.thought !== true) text += part.text;
    if (isRecord(part.functionCall)) {
      toolCalls.push(toToolCall(part, `call_${responseId}_${toolCalls.length}`));
    }
  }
  const blocked = asRecord(response.promptFeedback).blockReason !== undefined;
  return {
    id: responseId,
    model: typeof response.modelVersion === "string" ? response.modelVersion : options.model,
    provider: options.provider,
    message: assistantMessage(text, toolCalls),
    finishReason: blocked
      ? "content_filter"
      : finishReasonFromGemini(candidate.finishReason, toolCalls.length > 0),
    usage: usageFromGeminiWire(response.usageMetadata, options.provider) ?? emptyUsage(),
  };
}

function toToolCall(part: Record<string, unknown>, fallbackId: string): ToolCall {
  const call = asRecord(part.functionCall);
  return {
    id: toolCallIdFor(part, fallbackId),
    type: "function",
    function: { name: String(call.name ?? ""), arguments: JSON.stringify(call.args ?? {}) },
  };
}

/**
 * Decodes `:streamGenerateContent?alt=sse`: every event is a partial response with running
 * usage totals; the event carrying a `finishReason` (or a prompt block) is terminal. Function
 * calls arrive whole, so each becomes one tool-call chunk.
 */
export function createGeminiStreamDecoder(options: {
  provider: string;
  model: string;
}): ChatStreamDecoder {
  const { provider, model } = options;
  let complete = false;
  let usage: Usage | undefined;
  let rawUsage: Record<string, unknown> | undefined;
  let finishReason: FinishReason = "other";
  let rawFinishReason: unknown;
  let blocked = false;
  let id: string | undefined;
  let modelVersion: string | undefined;
  let toolCount = 0;
  const fallbackId = randomUUID();
  return {
    get complete() {
      return complete;
    },
    stopsAtTerminalEvent: false,
    usage: () => usage,
    finalChunk: () => ({
      finishReason: blocked ? "content_filter" : finishReason,
      usage: usage ?? emptyUsage(),
      id: id ?? fallbackId,
      model: modelVersion ?? model,
    }),
    handle(event): ChatChunk[] {
      const response = asRecord(JSON.parse(event.data));
      if (isRecord(response.error)) {
        const status = typeof response.error.code === "number" ? response.error.code : 500;
        throw new StreamPayloadError(response, status);
      }
      if (typeof response.responseId === "string") id = response.responseId;
      if (typeof response.modelVersion === "string") modelVersion = response.modelVersion;
      // Chunks carry running totals, and some omit fields an earlier chunk reported
      // (promptTokenCount): merge them so a partial chunk neither aborts the stream nor loses counts.
      if (isRecord(response.usageMetadata)) {
        rawUsage = { ...rawUsage, ...response.usageMetadata };
        usage = usageFromGeminiWire(rawUsage, provider);
      }
      if (asRecord(response.promptFeedback).blockReason !== undefined) {
        blocked = true;
        complete = true;
      }
      const candidate = asRecord(asArray(response.candidates)[0]);
      const chunk: ChatChunk = {};
      for (const item of asArray(asRecord(candidate.content).parts)) {
        const part = asRecord(item);
        if (typeof part.text === "string" && part.text !== "" && part.thought !== true) {
          chunk.text = (chunk.text ?? "") + part.text;
        }
        if (isRecord(part.functionCall)) {
          const index = toolCount++;
          const call = toToolCall(part, `call_${id ?? fallbackId}_${index}`);
          chunk.toolCalls = [
            ...(chunk.toolCalls ?? []),
            {
              index,
              id: call.id,
              name: call.function.name,
              argumentsDelta: call.function.arguments,
            },
          ];
        }
      }
      if (candidate.finishReason !== undefined) {
        rawFinishReason = candidate.finishReason;
        complete = true;
      }
      finishReason = finishReasonFromGemini(rawFinishReason, toolCount > 0);
      return chunk.text !== undefined || chunk.toolCalls !== undefined ? [chunk] : [];
    },
  };
}
