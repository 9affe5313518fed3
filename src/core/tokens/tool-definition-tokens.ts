import { describeValue, invalidInput } from "../errors/index.js";
import type { JsonSchema, ToolDefinition } from "../messages/index.js";
import { type EstimatedTokenizerName, estimateTextTokens } from "./estimated-tokenizers.js";
import type { Tokenizer } from "./tokenizer.js";

/** Model families whose tool-definition overheads the OpenAI cookbook measured. */
export type ToolTokenFamily = "gpt-4o" | "gpt-4";

interface ToolTokenConstants {
  functionStart: number;
  propertiesStart: number;
  perProperty: number;
  enumStart: number;
  perEnumItem: number;
  end: number;
}

// The constants of num_tokens_for_tools in OpenAI's cookbook "How to count tokens with
// tiktoken", which it checks against the API: gpt-4o/gpt-4o-mini and gpt-3.5-turbo/gpt-4.
const TOOL_TOKEN_CONSTANTS: Record<ToolTokenFamily, ToolTokenConstants> = {
  "gpt-4o": {
    functionStart: 7,
    propertiesStart: 3,
    perProperty: 3,
    enumStart: -3,
    perEnumItem: 3,
    end: 12,
  },
  "gpt-4": {
    functionStart: 10,
    propertiesStart: 3,
    perProperty: 3,
    enumStart: -3,
    perEnumItem: 3,
    end: 12,
  },
};

/**
 * Tokens Anthropic adds for the tool-use system prompt when tools are present (Claude 4 and
 * 3.7 models, tool_choice auto/none, per Anthropic's tool-use pricing table).
 */
export const CLAUDE_TOOL_SYSTEM_PROMPT_TOKENS = 346;

/** Tokens of a tool list and whether any part used a rule the cookbook does not verify. */
export interface ToolDefinitionTokens {
  tokens: number;
  /** Reasons the count is approximate (nested schemas, union types...); empty when verified. */
  approximations: string[];
}

/**
 * Tokens that tool definitions add to an OpenAI chat request, by the cookbook's
 * `num_tokens_for_tools`: per function a start constant plus "name:description" (a trailing
 * period dropped); per property a constant plus "key:type:description", and each enum item a
 * constant plus its text; a closing constant once. The cookbook reads only top-level
 * properties; nested object properties are counted here by the same per-property rule and
 * reported as an approximation.
 *
 * @example
 * ```ts
 * countToolDefinitionTokens(tools, { tokenizer: getTokenizer("o200k_base"), family: "gpt-4o" });
 * ```
 */
export function countToolDefinitionTokens(
  tools: readonly ToolDefinition[],
  options: { tokenizer: Tokenizer; family: ToolTokenFamily },
): ToolDefinitionTokens {
  const constants = TOOL_TOKEN_CONSTANTS[options.family];
  const approximations = new Set<string>();
  const count = (text: string) => options.tokenizer.count(text);
  let tokens = 0;
  tools.forEach((tool, index) => {
    const definition = readTool(tool, index);
    tokens += constants.functionStart;
    tokens += count(`${definition.name}:${withoutFinalPeriod(definition.description ?? "")}`);
    tokens += countProperties({
      properties: definition.parameters?.properties,
      path: `tools[${index}].function.parameters.properties`,
      constants,
      count,
      approximations,
    });
  });
  if (tools.length > 0) {
    tokens += constants.end;
  }
  return { tokens, approximations: [...approximations] };
}

/**
 * Estimated tokens of tool definitions for Claude or Gemini: the JSON of each function through
 * the family's text estimate, plus Claude's tool-use system prompt.
 *
 * @example
 * ```ts
 * estimateToolDefinitionTokens(tools, "claude");
 * ```
 */
export function estimateToolDefinitionTokens(
  tools: readonly ToolDefinition[],
  family: EstimatedTokenizerName,
): number {
  if (tools.length === 0) {
    return 0;
  }
  let tokens = family === "claude" ? CLAUDE_TOOL_SYSTEM_PROMPT_TOKENS : 0;
  tools.forEach((tool, index) => {
    tokens += estimateTextTokens(JSON.stringify(readTool(tool, index)), family);
  });
  return tokens;
}

interface PropertiesToCount {
  properties: Record<string, JsonSchema> | undefined;
  /** Where the properties sit in the request, for error messages. */
  path: string;
  constants: ToolTokenConstants;
  count: (text: string) => number;
  approximations: Set<string>;
}

function countProperties(input: PropertiesToCount): number {
  const { properties, path, constants, count, approximations } = input;
  if (properties === undefined || Object.keys(properties).length === 0) {
    return 0;
  }
  let tokens = constants.propertiesStart;
  for (const [key, property] of Object.entries(properties)) {
    if (typeof property !== "object" || property === null) {
      throw invalidInput(
        `${path}.${key}`,
        `must be a JSON schema object, got ${describeValue(property)}`,
      );
    }
    tokens += constants.perProperty;
    if (Array.isArray(property.enum)) {
      tokens += constants.enumStart;
      for (const item of property.enum) {
        tokens += constants.perEnumItem;
        tokens += count(typeof item === "string" ? item : JSON.stringify(item));
      }
    }
    const description = withoutFinalPeriod(
      typeof property.description === "string" ? property.description : "",
    );
    tokens += count(`${key}:${typeName(property, approximations)}:${description}`);
    const nested = property.properties ?? property.items?.properties;
    if (typeof nested === "object" && nested !== null && Object.keys(nested).length > 0) {
      approximations.add("nested tool parameters (the cookbook counts top-level ones only)");
      tokens += countProperties({ ...input, properties: nested, path: `${path}.${key}` });
    }
    if (["anyOf", "oneOf", "allOf", "$ref"].some((keyword) => keyword in property)) {
      approximations.add("tool parameters using anyOf/oneOf/allOf/$ref");
    }
  }
  return tokens;
}

function typeName(property: JsonSchema, approximations: Set<string>): string {
  if (typeof property.type === "string") {
    return property.type;
  }
  approximations.add("tool parameters without a single type");
  return Array.isArray(property.type) ? property.type.join(" | ") : "";
}

function withoutFinalPeriod(text: string): string {
  return text.endsWith(".") ? text.slice(0, -1) : text;
}

function readTool(tool: ToolDefinition, index: number): ToolDefinition["function"] {
  const definition = tool?.function;
  if (typeof definition !== "object" || definition === null) {
    throw invalidInput(
      `tools[${index}].function`,
      `must be an object like { name, description?, parameters? }, got ${describeValue(definition)}`,
    );
  }
  if (typeof definition.name !== "string" || definition.name.length === 0) {
    throw invalidInput(
      `tools[${index}].function.name`,
      `must be a non-empty string, got ${describeValue(definition.name)}`,
    );
  }
  if (definition.description !== undefined && typeof definition.description !== "string") {
    throw invalidInput(
      `tools[${index}].function.description`,
      `must be a string when given, got ${describeValue(definition.description)}`,
    );
  }
  const properties = definition.parameters?.properties;
  if (properties !== undefined && (typeof properties !== "object" || properties === null)) {
    throw invalidInput(
      `tools[${index}].function.parameters.properties`,
      `must be an object of JSON schemas, got ${describeValue(properties)}`,
    );
  }
  return definition;
}
