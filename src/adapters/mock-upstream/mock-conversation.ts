/**
 * The three wire formats read into one neutral conversation, so the mock counts tokens and
 * picks replies the same way whichever API a request came through.
 */
import { array, isRecord, type Json, record } from "./json.js";

export interface MockToolCall {
  name: string;
  /** Compact JSON of the arguments object. */
  argumentsJson: string;
}

export interface MockTurn {
  role: "system" | "user" | "assistant" | "tool";
  texts: string[];
  images: number;
  toolCalls: MockToolCall[];
}

export interface MockConversation {
  model: string;
  turns: MockTurn[];
  /** Compact JSON of `[{ name, description, parameters }]`, or "" without tools. */
  toolsJson: string;
  toolNames: string[];
  /** A tool the request forces: its name, "" for "any tool", undefined when none is forced. */
  forcedTool: string | undefined;
  maxOutputTokens: number | undefined;
  stop: string[];
}

/** The request JSON did not have the shape its API requires. */
export class MockRequestError extends Error {}

/**
 * @example
 * ```ts
 * conversationFromOpenAI({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function conversationFromOpenAI(body: Json): MockConversation {
  if (!Array.isArray(body.messages)) throw new MockRequestError("messages: field required");
  const turns = body.messages.map((raw): MockTurn => {
    const message = record(raw);
    const role = message.role === "developer" ? "system" : String(message.role);
    const turn = emptyTurn(isRole(role) ? role : "user");
    readOpenAIContent(message.content, turn);
    for (const call of array(message.tool_calls)) {
      const fn = record(record(call).function);
      turn.toolCalls.push({
        name: String(fn.name ?? ""),
        argumentsJson: compactJson(String(fn.arguments ?? "")),
      });
    }
    return turn;
  });
  const tools = array(body.tools).map((tool) => {
    const fn = record(record(tool).function);
    return { name: fn.name, description: fn.description, parameters: fn.parameters };
  });
  const choice = body.tool_choice;
  return {
    model: String(body.model ?? ""),
    turns,
    ...toolSummary(tools),
    forcedTool:
      choice === "required"
        ? ""
        : isRecord(choice)
          ? String(record(choice.function).name)
          : undefined,
    maxOutputTokens: numberOrUndefined(body.max_completion_tokens ?? body.max_tokens),
    stop: stringList(body.stop),
  };
}

/**
 * A Responses API request (`input` as a string or a list of items, `instructions`, flattened
 * function tools).
 *
 * @example
 * ```ts
 * conversationFromResponses({ model: "gpt-5", input: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function conversationFromResponses(body: Json): MockConversation {
  const input =
    typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  if (!Array.isArray(input)) throw new MockRequestError("input: field required");
  const turns: MockTurn[] = [];
  if (typeof body.instructions === "string") {
    turns.push({ ...emptyTurn("system"), texts: [body.instructions] });
  }
  for (const raw of input) {
    const item = record(raw);
    if (item.type === "function_call") {
      const turn = emptyTurn("assistant");
      turn.toolCalls.push({
        name: String(item.name ?? ""),
        argumentsJson: compactJson(String(item.arguments ?? "")),
      });
      turns.push(turn);
      continue;
    }
    if (item.type === "function_call_output") {
      turns.push({ ...emptyTurn("tool"), texts: [String(item.output ?? "")] });
      continue;
    }
    if (item.type !== undefined && item.type !== "message") continue;
    const role = item.role === "developer" ? "system" : String(item.role);
    const turn = emptyTurn(isRole(role) ? role : "user");
    if (typeof item.content === "string") turn.texts.push(item.content);
    for (const part of array(item.content)) {
      const content = record(part);
      if (content.type === "input_text" || content.type === "output_text") {
        turn.texts.push(String(content.text ?? ""));
      }
      if (content.type === "input_image") turn.images++;
    }
    turns.push(turn);
  }
  const tools = array(body.tools)
    .map(record)
    .filter((tool) => tool.type === "function")
    .map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
    }));
  const choice = body.tool_choice;
  return {
    model: String(body.model ?? ""),
    turns,
    ...toolSummary(tools),
    forcedTool:
      choice === "required" ? "" : isRecord(choice) ? String(choice.name ?? "") : undefined,
    maxOutputTokens: numberOrUndefined(body.max_output_tokens),
    stop: [],
  };
}

/**
 * @example
 * ```ts
 * conversationFromAnthropic({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function conversationFromAnthropic(body: Json): MockConversation {
  if (!Array.isArray(body.messages)) throw new MockRequestError("messages: Field required");
  const turns: MockTurn[] = [];
  if (typeof body.system === "string") turns.push({ ...emptyTurn("system"), texts: [body.system] });
  for (const block of array(body.system)) {
    turns.push({ ...emptyTurn("system"), texts: [String(record(block).text ?? "")] });
  }
  for (const raw of body.messages) {
    const message = record(raw);
    const turn = emptyTurn(message.role === "assistant" ? "assistant" : "user");
    const toolTurns: MockTurn[] = [];
    if (typeof message.content === "string") turn.texts.push(message.content);
    for (const item of array(message.content)) {
      const block = record(item);
      if (block.type === "text") turn.texts.push(String(block.text ?? ""));
      if (block.type === "image") turn.images++;
      if (block.type === "tool_use") {
        turn.toolCalls.push({
          name: String(block.name ?? ""),
          argumentsJson: JSON.stringify(block.input ?? {}),
        });
      }
      if (block.type === "tool_result") {
        const result = emptyTurn("tool");
        if (typeof block.content === "string") result.texts.push(block.content);
        for (const part of array(block.content)) {
          if (record(part).type === "text") result.texts.push(String(record(part).text ?? ""));
          if (record(part).type === "image") result.images++;
        }
        toolTurns.push(result);
      }
    }
    turns.push(...toolTurns);
    if (toolTurns.length === 0 || turn.texts.length > 0 || turn.images > 0) turns.push(turn);
  }
  const tools = array(body.tools).map((tool) => {
    const entry = record(tool);
    return { name: entry.name, description: entry.description, parameters: entry.input_schema };
  });
  const choice = record(body.tool_choice);
  return {
    model: String(body.model ?? ""),
    turns,
    ...toolSummary(tools),
    forcedTool:
      choice.type === "any" ? "" : choice.type === "tool" ? String(choice.name) : undefined,
    maxOutputTokens: numberOrUndefined(body.max_tokens),
    stop: stringList(body.stop_sequences),
  };
}

/**
 * @example
 * ```ts
 * conversationFromGemini({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }, "gemini-2.5-flash");
 * ```
 */
export function conversationFromGemini(body: Json, model: string): MockConversation {
  if (!Array.isArray(body.contents)) throw new MockRequestError("contents: field required");
  const turns: MockTurn[] = [];
  for (const part of array(record(body.systemInstruction).parts)) {
    turns.push({ ...emptyTurn("system"), texts: [String(record(part).text ?? "")] });
  }
  for (const raw of body.contents) {
    const content = record(raw);
    const turn = emptyTurn(content.role === "model" ? "assistant" : "user");
    const toolTurns: MockTurn[] = [];
    for (const item of array(content.parts)) {
      const part = record(item);
      if (typeof part.text === "string") turn.texts.push(part.text);
      if (isRecord(part.inlineData) || isRecord(part.fileData)) turn.images++;
      if (isRecord(part.functionCall)) {
        turn.toolCalls.push({
          name: String(part.functionCall.name ?? ""),
          argumentsJson: JSON.stringify(part.functionCall.args ?? {}),
        });
      }
      if (isRecord(part.functionResponse)) {
        const response = record(part.functionResponse.response);
        const keys = Object.keys(response);
        const text =
          keys.length === 1 && keys[0] === "result" && typeof response.result === "string"
            ? response.result
            : JSON.stringify(response);
        toolTurns.push({ ...emptyTurn("tool"), texts: [text] });
      }
    }
    turns.push(...toolTurns);
    if (toolTurns.length === 0 || turn.texts.length > 0 || turn.images > 0) turns.push(turn);
  }
  const declarations = array(body.tools).flatMap((tool) =>
    array(record(tool).functionDeclarations),
  );
  const tools = declarations.map((declaration) => {
    const entry = record(declaration);
    return {
      name: entry.name,
      description: entry.description,
      parameters: entry.parametersJsonSchema ?? entry.parameters,
    };
  });
  const calling = record(record(body.toolConfig).functionCallingConfig);
  const generation = record(body.generationConfig);
  return {
    model,
    turns,
    ...toolSummary(tools),
    forcedTool:
      calling.mode === "ANY" ? String(array(calling.allowedFunctionNames)[0] ?? "") : undefined,
    maxOutputTokens: numberOrUndefined(generation.maxOutputTokens),
    stop: stringList(generation.stopSequences),
  };
}

function readOpenAIContent(content: unknown, turn: MockTurn): void {
  if (typeof content === "string") {
    turn.texts.push(content);
    return;
  }
  for (const item of array(content)) {
    const part = record(item);
    if (part.type === "text") turn.texts.push(String(part.text ?? ""));
    if (part.type === "image_url") turn.images++;
  }
}

function toolSummary(
  tools: Array<{ name: unknown; description: unknown; parameters: unknown }>,
): Pick<MockConversation, "toolsJson" | "toolNames"> {
  return {
    toolsJson: tools.length > 0 ? JSON.stringify(tools) : "",
    toolNames: tools.map((tool) => String(tool.name ?? "")),
  };
}

function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text === "" ? "{}" : text));
  } catch {
    return text;
  }
}

function emptyTurn(role: MockTurn["role"]): MockTurn {
  return { role, texts: [], images: 0, toolCalls: [] };
}

function isRole(role: string): role is MockTurn["role"] {
  return role === "system" || role === "user" || role === "assistant" || role === "tool";
}

function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return array(value).filter((item): item is string => typeof item === "string");
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
