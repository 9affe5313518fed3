/**
 * The failures the mock plays. Before a request is answered: the script (one step per model
 * request, in arrival order) and the random `errorRate` failures. While a reply is on the
 * wire: a body cut in half, and streams that are reset, stalled, slowed, ended early or ended
 * with an error event.
 */
import type { ServerResponse } from "node:http";
import { delay, sendJson, write } from "./mock-http.js";
import type { MockBehavior, MockScriptStep } from "./types.js";

/**
 * Takes the next step off `behavior.script` (a step with `times` above 1 stays, one time
 * less); with the script empty, an `errorRate` failure drawn from `random`, or undefined.
 *
 * @example
 * ```ts
 * const behavior = { ...defaultMockBehavior(), script: [{ type: "drop", times: 2 }] };
 * nextStep(behavior, Math.random); // { type: "drop", times: 2 }; behavior.script: [{ type: "drop", times: 1 }]
 * ```
 */
export function nextStep(
  behavior: Pick<MockBehavior, "script" | "errorRate" | "errorStatus" | "retryAfterSeconds">,
  random: () => number,
): MockScriptStep | undefined {
  const step = behavior.script[0];
  if (step !== undefined) {
    if ((step.times ?? 1) > 1) behavior.script[0] = { ...step, times: (step.times ?? 1) - 1 };
    else behavior.script.shift();
    return step;
  }
  if (behavior.errorRate > 0 && random() < behavior.errorRate) {
    return {
      type: "error",
      status: behavior.errorStatus,
      message: "Injected failure (errorRate)",
      ...(behavior.retryAfterSeconds !== undefined
        ? { headers: { "retry-after": String(behavior.retryAfterSeconds) } }
        : {}),
    };
  }
  return undefined;
}

/** The message of an injected error that names none, worded like the providers'. */
export function defaultErrorMessage(status: number): string {
  if (status === 429) return "Rate limit reached for requests. Please try again later.";
  if (status === 529) return "Overloaded";
  if (status >= 500) return "The server had an error while processing your request.";
  return "Invalid request.";
}

/** Sends a JSON body, or half of it and a reset when the step says the transfer fails. */
export async function sendWithStep(
  response: ServerResponse,
  status: number,
  body: unknown,
  step: MockScriptStep | undefined,
): Promise<void> {
  if (step?.type !== "fail-mid-stream") {
    sendJson(response, status, body);
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  await write(response, text.slice(0, Math.floor(text.length / 2)));
  response.destroy();
}

/**
 * Sends the frames as an event stream, with the behaviour's faults (`cutStreamsAfterEvents`,
 * `stallAfterEvents`, `streamChunkDelayMs`) and the step's (`fail-mid-stream`, `end-early`,
 * `stream-error`, `slow-stream`). Stops quietly when the client goes away.
 */
export async function streamWithFaults(
  response: ServerResponse,
  options: {
    frames: string[];
    /** The API's in-stream error event, for a `stream-error` step. */
    streamErrorFrame: (status: number, message: string) => string;
    step: MockScriptStep | undefined;
    behavior: Pick<
      MockBehavior,
      "cutStreamsAfterEvents" | "stallAfterEvents" | "stallMs" | "streamChunkDelayMs"
    >;
  },
): Promise<void> {
  const { frames, step, behavior } = options;
  const chunkDelayMs =
    step?.type === "slow-stream" ? step.chunkDelayMs : behavior.streamChunkDelayMs;
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (let index = 0; index < frames.length; index++) {
    if (response.destroyed) return;
    if (index === behavior.cutStreamsAfterEvents) {
      response.destroy();
      return;
    }
    if (index === behavior.stallAfterEvents && behavior.stallMs > 0) await delay(behavior.stallMs);
    if (step?.type === "fail-mid-stream" && index === step.afterChunks) {
      response.destroy();
      return;
    }
    if (step?.type === "end-early" && index === step.afterChunks) {
      response.end();
      return;
    }
    if (step?.type === "stream-error" && index === step.afterChunks) {
      const status = step.status ?? 529;
      await write(
        response,
        options.streamErrorFrame(status, step.message ?? defaultErrorMessage(status)),
      );
      response.end();
      return;
    }
    if (index > 0 && chunkDelayMs > 0) await delay(chunkDelayMs);
    await write(response, frames[index] ?? "");
  }
  response.end();
}
