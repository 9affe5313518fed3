/**
 * Checks the parts of a request every adapter relies on, so bad input fails with a message
 * naming the field instead of a provider's 400 (or a crash while translating).
 */
import { invalidInput } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { EmbeddingRequest } from "./types.js";

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

/**
 * @example
 * ```ts
 * validateChatRequest({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function validateChatRequest(request: ChatRequest): void {
  if (typeof request !== "object" || request === null) {
    throw invalidInput("request", "must be a chat request object with model and messages");
  }
  if (typeof request.model !== "string" || request.model.trim() === "") {
    throw invalidInput("model", 'must be a non-empty model id such as "gpt-4o-mini"');
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw invalidInput("messages", "must be a non-empty array of chat messages");
  }
  request.messages.forEach((message, index) => {
    if (typeof message !== "object" || message === null || !ROLES.has(message.role)) {
      throw invalidInput(
        `messages[${index}].role`,
        `must be one of system, developer, user, assistant, tool; got ${JSON.stringify(message?.role)}`,
      );
    }
  });
}

/**
 * @example
 * ```ts
 * validateEmbeddingRequest({ model: "text-embedding-3-small", input: ["a", "b"], dimensions: 256 });
 * ```
 */
export function validateEmbeddingRequest(request: EmbeddingRequest): void {
  if (typeof request.model !== "string" || request.model.trim() === "") {
    throw invalidInput(
      "model",
      'must be a non-empty embedding model id such as "text-embedding-3-small"',
    );
  }
  if (!Array.isArray(request.input) || request.input.some((text) => typeof text !== "string")) {
    throw invalidInput("input", "must be an array of strings");
  }
  if (
    request.dimensions !== undefined &&
    (!Number.isInteger(request.dimensions) || request.dimensions <= 0)
  ) {
    throw invalidInput("dimensions", `must be a positive integer, got ${request.dimensions}`);
  }
}
