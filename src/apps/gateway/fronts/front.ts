/**
 * A front: one caller-facing wire format (OpenAI Chat Completions, OpenAI Responses, Anthropic
 * Messages). Each translates the caller's request to the canonical `ChatRequest` once, and the
 * gateway's results, stream chunks and errors back to its own format.
 */

import type { ChatChunk } from "../../../adapters/providers/index.js";
import type { ChatRequest } from "../../../core/messages/index.js";
import type { ClientChatResult } from "../../client/index.js";
import type { GatewayFailure } from "../gateway-failure.js";

export interface ParsedChat {
  /** The canonical request; `model` is the name the caller asked for. */
  request: ChatRequest;
  stream: boolean;
}

/** Writes one stream in a front's server-sent-event format. */
export interface StreamEncoder {
  /** The events for one chunk (may be empty). */
  chunk(chunk: ChatChunk): string;
  /** The closing events, with the final usage. */
  end(result: ClientChatResult): string;
  /** The error event that ends a broken stream (never a clean end). */
  error(failure: GatewayFailure): string;
}

export interface ChatFront {
  readonly name: "openai" | "responses" | "anthropic";
  /** Throws `invalid_input` naming the field for a body it cannot read. */
  parse(body: unknown): ParsedChat;
  render(result: ClientChatResult, model: string): unknown;
  encoder(model: string, request: ChatRequest): StreamEncoder;
  errorBody(failure: GatewayFailure): unknown;
}

/** One server-sent event: `data:` only, or with an `event:` name. */
export function sse(data: unknown, event?: string): string {
  const line = `data: ${JSON.stringify(data)}\n\n`;
  return event === undefined ? line : `event: ${event}\n${line}`;
}
