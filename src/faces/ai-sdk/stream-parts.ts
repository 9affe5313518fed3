import type {
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";

/**
 * A stored result as the stream a model would have sent: start, response metadata, each text
 * and reasoning block as start / one delta / end, tool calls and sources whole, then finish
 * with the usage and finish reason.
 *
 * @example
 * ```ts
 * return { stream: replayStream(cachedResult) };
 * ```
 */
export function replayStream(
  result: LanguageModelV3GenerateResult,
): ReadableStream<LanguageModelV3StreamPart> {
  const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: result.warnings }];
  if (result.response !== undefined) parts.push({ type: "response-metadata", ...result.response });
  result.content.forEach((part, index) => {
    const id = String(index);
    if (part.type === "text") {
      parts.push({ type: "text-start", id }, { type: "text-delta", id, delta: part.text });
      parts.push({ type: "text-end", id });
    } else if (part.type === "reasoning") {
      parts.push(
        { type: "reasoning-start", id },
        { type: "reasoning-delta", id, delta: part.text },
      );
      parts.push({ type: "reasoning-end", id });
    } else {
      parts.push(part);
    }
  });
  const finish: LanguageModelV3StreamPart = {
    type: "finish",
    usage: result.usage,
    finishReason: result.finishReason,
  };
  if (result.providerMetadata !== undefined) finish.providerMetadata = result.providerMetadata;
  parts.push(finish);
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** Gathers stream parts back into the result `doGenerate` would have returned. */
export interface StreamCollector {
  observe(part: LanguageModelV3StreamPart): void;
  /** The finish part, once it arrived. */
  readonly finish: Extract<LanguageModelV3StreamPart, { type: "finish" }> | undefined;
  /** True when an error part arrived. */
  readonly failed: boolean;
  /** Text, reasoning and tool-call inputs received so far, for counting a partial reply. */
  receivedText(): string;
  /** The collected result; undefined until the finish part arrived. */
  result(): LanguageModelV3GenerateResult | undefined;
}

/**
 * @example
 * ```ts
 * const collector = createStreamCollector();
 * for (const part of parts) collector.observe(part);
 * collector.result()?.content; // [{ type: "text", text: "..." }]
 * ```
 */
export function createStreamCollector(): StreamCollector {
  const content: LanguageModelV3Content[] = [];
  const blocks = new Map<string, { type: "text" | "reasoning"; text: string }>();
  let finish: StreamCollector["finish"];
  let failed = false;
  let warnings: LanguageModelV3GenerateResult["warnings"] = [];
  let response: LanguageModelV3GenerateResult["response"];

  const block = (type: "text" | "reasoning", id: string) => {
    const key = `${type}:${id}`;
    let existing = blocks.get(key);
    if (existing === undefined) {
      existing = { type, text: "" };
      blocks.set(key, existing);
      content.push(existing);
    }
    return existing;
  };

  return {
    observe(part) {
      switch (part.type) {
        case "stream-start":
          warnings = part.warnings;
          break;
        case "response-metadata": {
          const { type: _type, ...metadata } = part;
          response = metadata;
          break;
        }
        case "text-start":
          block("text", part.id);
          break;
        case "text-delta":
          block("text", part.id).text += part.delta;
          break;
        case "reasoning-start":
          block("reasoning", part.id);
          break;
        case "reasoning-delta":
          block("reasoning", part.id).text += part.delta;
          break;
        case "tool-call":
        case "tool-result":
        case "source":
        case "file":
        case "tool-approval-request":
          content.push(part);
          break;
        case "finish":
          finish = part;
          break;
        case "error":
          failed = true;
          break;
        default:
          break;
      }
    },
    get finish() {
      return finish;
    },
    get failed() {
      return failed;
    },
    receivedText() {
      return content
        .map((part) => {
          if (part.type === "text" || part.type === "reasoning") return part.text;
          if (part.type === "tool-call") return part.toolName + part.input;
          return "";
        })
        .join("");
    },
    result() {
      if (finish === undefined) return undefined;
      const result: LanguageModelV3GenerateResult = {
        content: content.map((part) => ({ ...part })),
        finishReason: finish.finishReason,
        usage: finish.usage,
        warnings,
      };
      if (finish.providerMetadata !== undefined) result.providerMetadata = finish.providerMetadata;
      if (response !== undefined) result.response = response;
      return result;
    },
  };
}
