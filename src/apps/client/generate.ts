import { invalidInput } from "../../core/errors/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import { temperatureForTask } from "../../core/sampling/index.js";
import type { GenerateOptions } from "./client-types.js";

/**
 * The chat request behind the tutorial's `generate(prompt, task)`: the prompt as a user
 * message (after an optional system message), at the task's preset temperature (code 0,
 * factual 0.2, general 0.7, creative 1.0, brainstorm 1.3; default "general"). An unknown task
 * is refused with the list of known ones rather than silently sampled at 0.7.
 *
 * @example
 * ```ts
 * generateRequest("Write a haiku", { task: "creative" }, "gpt-4o-mini");
 * // { model: "gpt-4o-mini", messages: [{ role: "user", content: "Write a haiku" }], temperature: 1 }
 * ```
 */
export function generateRequest(
  prompt: string,
  options: GenerateOptions,
  defaultModel: string,
): ChatRequest {
  if (typeof prompt !== "string" || prompt.trim() === "") {
    throw invalidInput("prompt", "must be a non-empty string");
  }
  const messages: ChatMessage[] = [];
  if (options.system !== undefined) messages.push({ role: "system", content: options.system });
  messages.push({ role: "user", content: prompt });
  const request: ChatRequest = {
    model: options.model ?? defaultModel,
    messages,
    temperature: options.temperature ?? temperatureForTask(options.task ?? "general"),
  };
  if (options.maxTokens !== undefined) request.max_tokens = options.maxTokens;
  return request;
}
