/**
 * The canonical request and message shapes: OpenAI Chat Completions. Provider adapters
 * translate Anthropic Messages and Gemini generateContent to and from these.
 */

export type Role = "system" | "developer" | "user" | "assistant" | "tool";

export interface TextPart {
  type: "text";
  text: string;
}

export interface ImagePart {
  type: "image_url";
  image_url: {
    /** An https URL or a `data:` URL. */
    url: string;
    detail?: "low" | "high" | "auto";
    /** Pixel size when known; needed to count high-detail image tokens exactly. */
    width?: number;
    height?: number;
  };
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/** A JSON Schema object, as tools declare their parameters. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  [keyword: string]: unknown;
}

export interface ToolDefinition {
  type: "function";
  function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean };
}

export type ToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } };

/** A Chat Completions request, with the parameters tokenwise understands. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: { type: "text" | "json_object" | "json_schema"; json_schema?: unknown };
  reasoning_effort?: "minimal" | "low" | "medium" | "high";
  presence_penalty?: number;
  frequency_penalty?: number;
  n?: number;
  user?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}
