import { describeValue, invalidInput } from "../errors/index.js";
import type { ChatMessage, ContentPart, ToolDefinition } from "../messages/index.js";
import {
  type EstimatedTokenizerName,
  estimateMethod,
  estimateTextTokens,
} from "./estimated-tokenizers.js";
import { countImageTokens, type ImageTokenRates } from "./image-tokens.js";
import { assertTokenizerName, getTokenizer, isEncodingName } from "./registry.js";
import type { TokenCount } from "./token-count.js";
import type { EncodingName, TokenizerName } from "./tokenizer.js";
import {
  countToolDefinitionTokens,
  estimateToolDefinitionTokens,
  type ToolTokenFamily,
} from "./tool-definition-tokens.js";

export interface ChatTokenCountOptions {
  tokenizer: TokenizerName;
  /** Tool definitions sent with the request; they count as input. */
  tools?: ToolDefinition[];
  /** Image rates of the model (default gpt-4o's 85 base + 170 per tile). */
  imageTokens?: ImageTokenRates;
  /**
   * The model, when known. It picks the cookbook's tool-definition constants (gpt-4o family or
   * gpt-3.5/gpt-4 family); without it the encoding decides (o200k_base → gpt-4o family).
   */
  model?: string;
}

export interface ChatTokenBreakdown {
  /** Tokens of each message, its framing included, in the order given. */
  messages: number[];
  /** Tokens of the tool definitions. */
  tools: number;
  /** Tokens that prime the reply (`<|start|>assistant<|message|>` for OpenAI). */
  replyPriming: number;
  /** Tokens of all images (already included in `messages`). */
  images: number;
}

/** A chat request's input tokens: `tokens` = sum of `breakdown.messages` + tools + priming. */
export interface ChatTokenCount extends TokenCount {
  breakdown: ChatTokenBreakdown;
  /** Each way the count departs from verified rules; empty when `exact` is true. */
  notes: string[];
}

/**
 * OpenAI chat framing, from the cookbook "How to count tokens with tiktoken": every message
 * costs 3 tokens plus its role and content, a `name` one more, and every reply is primed with
 * 3 tokens (`<|start|>assistant<|message|>`).
 */
const OPENAI_FRAMING = { perMessage: 3, perName: 1, replyPriming: 3 };

/**
 * Tokens an assistant tool call adds beyond its name and arguments. The cookbook does not
 * cover tool calls; 3 is the per-call overhead openai-chat-tokens (hmarr) measured for the
 * legacy `function_call` field, so counts with tool calls are reported as estimates.
 */
const OPENAI_TOOL_CALL_OVERHEAD = 3;

/**
 * Per-message framing for the estimated families.
 * - claude: Anthropic renders turns with role headers (historically "\n\nHuman:" /
 *   "\n\nAssistant:"); the ctok reconstruction of Anthropic's count_tokens measures 7 framing
 *   tokens for a one-message request, counted here as 4 per message + 3 to prime the reply.
 * - gemini: Gemini's template is not published; Gemma, its open sibling with the same
 *   tokenizer family, wraps each turn as `<start_of_turn>role\n…<end_of_turn>\n` (5 tokens)
 *   and primes the reply with `<start_of_turn>model\n` (3 tokens).
 */
const ESTIMATED_FRAMING: Record<
  EstimatedTokenizerName,
  { perMessage: number; replyPriming: number }
> = {
  claude: { perMessage: 4, replyPriming: 3 },
  gemini: { perMessage: 5, replyPriming: 3 },
};

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

/**
 * Input tokens of a chat request, by OpenAI's published counting rules for the four
 * encodings (cookbook "How to count tokens with tiktoken": 3 tokens per message, +1 for a
 * `name`, +3 reply priming, and `num_tokens_for_tools` for tool definitions), with text parts
 * counted as text and image parts by the tile formula (see {@link countImageTokens}).
 *
 * `exact` is true only when every part followed those verified rules. Tool calls, tool
 * results, nested tool schemas, a model outside the cookbook's families with tools, and
 * images without width/height make it an estimate, and `notes` says which. For "claude" and
 * "gemini" the whole count is an estimate with a documented per-message framing.
 *
 * @example
 * ```ts
 * countChatTokens(
 *   [{ role: "system", content: "You are terse." }, { role: "user", content: "Hi!" }],
 *   { tokenizer: "o200k_base" },
 * ); // { tokens: 17, exact: true, method: "o200k_base", breakdown: {...}, notes: [] }
 * ```
 */
export function countChatTokens(
  messages: ChatMessage[],
  options: ChatTokenCountOptions,
): ChatTokenCount {
  const tokenizerName: unknown = options?.tokenizer;
  assertTokenizerName("tokenizer", tokenizerName);
  if (!Array.isArray(messages)) {
    throw invalidInput(
      "messages",
      `must be an array of chat messages, got ${describeValue(messages)}`,
    );
  }
  const tools = options.tools ?? [];
  if (!Array.isArray(tools)) {
    throw invalidInput(
      "tools",
      `must be an array of tool definitions, got ${describeValue(tools)}`,
    );
  }
  if (options.model !== undefined && typeof options.model !== "string") {
    throw invalidInput("model", `must be a model name string, got ${describeValue(options.model)}`);
  }
  return isEncodingName(tokenizerName)
    ? countOpenAiChat(messages, tools, { ...options, tokenizer: tokenizerName })
    : countEstimatedChat(messages, tools, { ...options, tokenizer: tokenizerName });
}

function countOpenAiChat(
  messages: ChatMessage[],
  tools: ToolDefinition[],
  options: ChatTokenCountOptions & { tokenizer: EncodingName },
): ChatTokenCount {
  const tokenizer = getTokenizer(options.tokenizer);
  const count = (text: string) => tokenizer.count(text);
  const notes = new Set<string>();
  let images = 0;
  const perMessage = messages.map((message, index) => {
    const path = `messages[${index}]`;
    assertMessage(message, path);
    let tokens = OPENAI_FRAMING.perMessage + count(message.role);
    for (const part of contentParts(message, path)) {
      if (part.type === "text") {
        tokens += count(part.text);
      } else {
        const image = countImageTokens(part, options);
        if (image.worstCase) {
          notes.add(
            `image without width/height counted as the worst case (${image.tokens} tokens)`,
          );
        }
        images += image.tokens;
        tokens += image.tokens;
      }
    }
    if (message.name !== undefined) {
      tokens += count(message.name) + OPENAI_FRAMING.perName;
    }
    for (const call of toolCalls(message, path)) {
      notes.add("assistant tool calls (framing not published by OpenAI)");
      tokens += count(call.function.name) + count(call.function.arguments);
      tokens += OPENAI_TOOL_CALL_OVERHEAD;
    }
    if (message.role === "tool") {
      notes.add("tool results (framing not published by OpenAI)");
    }
    return tokens;
  });

  let toolTokens = 0;
  if (tools.length > 0) {
    const family = toolTokenFamily(options.tokenizer, options.model);
    if (!family.verified) {
      notes.add(`tool definitions counted with the ${family.name} family's cookbook constants`);
    }
    const definitions = countToolDefinitionTokens(tools, { tokenizer, family: family.name });
    for (const approximation of definitions.approximations) {
      notes.add(approximation);
    }
    toolTokens = definitions.tokens;
  }

  const noteList = [...notes];
  return {
    tokens: sum(perMessage) + toolTokens + OPENAI_FRAMING.replyPriming,
    exact: noteList.length === 0,
    method:
      noteList.length === 0
        ? options.tokenizer
        : `${options.tokenizer} with estimates: ${noteList.join("; ")}`,
    breakdown: {
      messages: perMessage,
      tools: toolTokens,
      replyPriming: OPENAI_FRAMING.replyPriming,
      images,
    },
    notes: noteList,
  };
}

function countEstimatedChat(
  messages: ChatMessage[],
  tools: ToolDefinition[],
  options: ChatTokenCountOptions & { tokenizer: EstimatedTokenizerName },
): ChatTokenCount {
  const family = options.tokenizer;
  const framing = ESTIMATED_FRAMING[family];
  const notes = new Set<string>([
    `${family} chat framing estimated at ${framing.perMessage} tokens per message + ${framing.replyPriming} for the reply`,
  ]);
  let images = 0;
  const perMessage = messages.map((message, index) => {
    const path = `messages[${index}]`;
    assertMessage(message, path);
    let tokens = framing.perMessage;
    for (const part of contentParts(message, path)) {
      if (part.type === "text") {
        tokens += estimateTextTokens(part.text, family);
      } else {
        const image = countImageTokens(part, { tokenizer: family });
        notes.add(
          image.worstCase
            ? `image without width/height counted as ${image.tokens} tokens`
            : `${family} image tokens from the provider's published size formula`,
        );
        images += image.tokens;
        tokens += image.tokens;
      }
    }
    if (message.name !== undefined) {
      tokens += estimateTextTokens(message.name, family);
    }
    for (const call of toolCalls(message, path)) {
      tokens += estimateTextTokens(`${call.function.name}${call.function.arguments}`, family);
    }
    return tokens;
  });
  const toolTokens = estimateToolDefinitionTokens(tools, family);
  const noteList = [...notes];
  return {
    tokens: sum(perMessage) + toolTokens + framing.replyPriming,
    exact: false,
    method: `${estimateMethod(family)}; ${noteList.join("; ")}`,
    breakdown: {
      messages: perMessage,
      tools: toolTokens,
      replyPriming: framing.replyPriming,
      images,
    },
    notes: noteList,
  };
}

function toolTokenFamily(
  encoding: EncodingName,
  model: string | undefined,
): { name: ToolTokenFamily; verified: boolean } {
  if (model !== undefined) {
    const normalized = model.toLowerCase().replace(/^openai\//, "");
    if (/^(chatgpt-)?gpt-4o/.test(normalized)) {
      return { name: "gpt-4o", verified: true };
    }
    if (/^gpt-3\.5/.test(normalized) || /^gpt-4(-|$)/.test(normalized)) {
      return { name: "gpt-4", verified: true };
    }
    return { name: encoding === "o200k_base" ? "gpt-4o" : "gpt-4", verified: false };
  }
  if (encoding === "o200k_base") {
    return { name: "gpt-4o", verified: true };
  }
  return { name: "gpt-4", verified: encoding === "cl100k_base" };
}

function assertMessage(message: ChatMessage, path: string): void {
  if (typeof message !== "object" || message === null) {
    throw invalidInput(path, `must be a chat message object, got ${describeValue(message)}`);
  }
  if (!ROLES.has(message.role)) {
    throw invalidInput(
      `${path}.role`,
      `must be one of "system", "developer", "user", "assistant", "tool", got ${describeValue(message.role)}`,
    );
  }
  if (message.name !== undefined && typeof message.name !== "string") {
    throw invalidInput(
      `${path}.name`,
      `must be a string when given, got ${describeValue(message.name)}`,
    );
  }
  // Only an assistant message may go without content: null (as providers send it), or left
  // out when it makes tool calls.
  const hasToolCalls = Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
  const nullAssistant = message.content === null && message.role === "assistant";
  if (
    (message.content === undefined || message.content === null) &&
    !hasToolCalls &&
    !nullAssistant
  ) {
    throw invalidInput(
      `${path}.content`,
      `is missing: a ${message.role} message needs content (a string or content parts); only an assistant message may have null content`,
    );
  }
}

function contentParts(message: ChatMessage, path: string): ContentPart[] {
  const content = message.content;
  if (content === null || content === undefined) {
    return [];
  }
  if (typeof content === "string") {
    return [{ type: "text", text: content }];
  }
  if (!Array.isArray(content)) {
    throw invalidInput(
      `${path}.content`,
      `must be a string, an array of content parts or null, got ${describeValue(content)}`,
    );
  }
  content.forEach((part, index) => {
    const partPath = `${path}.content[${index}]`;
    if (part?.type === "text") {
      if (typeof part.text !== "string") {
        throw invalidInput(`${partPath}.text`, `must be a string, got ${describeValue(part.text)}`);
      }
    } else if (part?.type !== "image_url") {
      throw invalidInput(
        `${partPath}.type`,
        `must be "text" or "image_url", got ${describeValue((part as { type?: unknown } | null)?.type)}`,
      );
    }
  });
  return content;
}

function toolCalls(message: ChatMessage, path: string): NonNullable<ChatMessage["tool_calls"]> {
  const calls = message.tool_calls;
  if (calls === undefined) {
    return [];
  }
  if (!Array.isArray(calls)) {
    throw invalidInput(`${path}.tool_calls`, `must be an array, got ${describeValue(calls)}`);
  }
  calls.forEach((call, index) => {
    const name = call?.function?.name;
    const args = call?.function?.arguments;
    if (typeof name !== "string" || typeof args !== "string") {
      throw invalidInput(
        `${path}.tool_calls[${index}].function`,
        "must have a string name and a string arguments (JSON text)",
      );
    }
  });
  return calls;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) {
    total += value;
  }
  return total;
}
