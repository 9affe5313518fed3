export type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ImagePart,
  JsonSchema,
  Role,
  TextPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from "./types.js";
