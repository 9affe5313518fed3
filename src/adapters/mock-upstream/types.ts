/** Shapes of the mock upstream: its behaviour, its script, and what it records. */
import type { PromptCachingOptions } from "./prompt-cache.js";

export type MockProvider = "openai" | "anthropic" | "gemini";

/**
 * One scripted outcome, used by the next request(s) that reach a model endpoint (chat,
 * streaming, embeddings, token counting), before `errorRate` is considered. `times` repeats it.
 */
export type MockScriptStep = { times?: number } & (
  | {
      /** Answer with this HTTP error in the provider's format. */
      type: "error";
      status: number;
      message?: string;
      /** Extra response headers, such as `{ "retry-after": "1" }`. */
      headers?: Record<string, string>;
    }
  | {
      /** Close the connection without answering. */
      type: "drop";
    }
  | {
      /**
       * Stream: send this many events, then reset the connection. Non-streamed: send half the
       * body, then reset.
       */
      type: "fail-mid-stream";
      afterChunks: number;
    }
  | {
      /** Stream: send this many events, then end the response cleanly, without the final event. */
      type: "end-early";
      afterChunks: number;
    }
  | {
      /** Stream: send this many events, then an error event in the provider's format. */
      type: "stream-error";
      afterChunks: number;
      status?: number;
      message?: string;
    }
  | {
      /** Stream with this delay between events. */
      type: "slow-stream";
      chunkDelayMs: number;
    }
  | {
      /** Answer with this text and/or tool calls instead of the echo. */
      type: "reply";
      text?: string;
      toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
    }
);

export interface MockBehavior {
  /** Delay before every answer from a model endpoint (auth failures answer at once). */
  latencyMs: number;
  /** Delay between stream events. */
  streamChunkDelayMs: number;
  /** Probability (0 to 1) that a model request fails with `errorStatus`. */
  errorRate: number;
  errorStatus: number;
  /** `Retry-After` seconds sent with the `errorRate` failures (none when undefined). */
  retryAfterSeconds: number | undefined;
  /** Every stream resets its connection after this many events (undefined: never). */
  cutStreamsAfterEvents: number | undefined;
  /** Every stream stops sending for `stallMs` after this many events (undefined: never). */
  stallAfterEvents: number | undefined;
  /** How long a stall lasts, in milliseconds. */
  stallMs: number;
  /** Seed of the random generator behind `errorRate`; setting it restarts the sequence. */
  seed: number;
  /** Expected keys per API; a request with another (or no) key gets 401. Unset: any key. */
  apiKeys: Partial<Record<MockProvider, string>>;
  /** Input tokens reported as cache reads (capped at the input). */
  cachedInputTokens: number;
  /** Input tokens reported as cache writes (Anthropic only reports these). */
  cacheWriteTokens: number;
  /** Reasoning tokens added to every reply's output. */
  reasoningTokens: number;
  /** Context window: a prompt above it gets the provider's context-length error. */
  maxInputTokens: number | undefined;
  /** Vector size when the request names none. */
  embeddingDimensions: number;
  /** Return OpenAI embeddings in reverse order (each keeps its `index`). */
  shuffleEmbeddings: boolean;
  script: MockScriptStep[];
}

export interface MockUpstreamOptions extends Partial<MockBehavior> {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Simulate provider prompt caching (see `prompt-cache.ts`): repeated long prefixes report
   * cached tokens. Off by default; the fixed `cachedInputTokens` / `cacheWriteTokens`, when
   * set, win over it.
   */
  promptCaching?: boolean | PromptCachingOptions;
}

/** A request as received, with every credential replaced by "[redacted]". */
export interface RecordedRequest {
  provider: MockProvider | "unknown";
  operation: "chat" | "stream" | "embeddings" | "count_tokens" | "unknown";
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

export interface MockUpstream {
  /** "http://127.0.0.1:PORT". OpenAI base URL (Chat Completions and Responses): `${url}/v1`; Anthropic: `url`; Gemini: `${url}/v1beta`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  setBehavior(behavior: Partial<MockBehavior>): void;
  close(): Promise<void>;
}
