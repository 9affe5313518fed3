import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { defaultMockBehavior } from "./mock-behavior.js";
import { defaultErrorMessage, nextStep, sendWithStep, streamWithFaults } from "./mock-faults.js";
import type { MockBehavior, MockScriptStep } from "./types.js";

describe("nextStep", () => {
  it("plays the script in order, a step `times` times, without touching the random source", () => {
    const behavior: MockBehavior = {
      ...defaultMockBehavior(),
      errorRate: 1,
      script: [
        { type: "drop", times: 2 },
        { type: "reply", text: "x" },
      ],
    };
    const random = () => {
      throw new Error("the script comes first");
    };
    expect(nextStep(behavior, random)).toEqual({ type: "drop", times: 2 });
    expect(behavior.script).toEqual([
      { type: "drop", times: 1 },
      { type: "reply", text: "x" },
    ]);
    expect(nextStep(behavior, random)).toEqual({ type: "drop", times: 1 });
    expect(nextStep(behavior, random)).toEqual({ type: "reply", text: "x" });
    expect(behavior.script).toEqual([]);
  });

  it("injects errorRate failures from the random draw once the script is empty", () => {
    const behavior = { ...defaultMockBehavior(), errorRate: 0.5, errorStatus: 429 };
    expect(nextStep(behavior, () => 0.7)).toBeUndefined();
    expect(nextStep(behavior, () => 0.2)).toEqual({
      type: "error",
      status: 429,
      message: "Injected failure (errorRate)",
    });
    expect(nextStep({ ...behavior, retryAfterSeconds: 2 }, () => 0.2)).toMatchObject({
      headers: { "retry-after": "2" },
    });
    let draws = 0;
    nextStep({ ...behavior, errorRate: 0 }, () => draws++);
    expect(draws).toBe(0);
  });
});

describe("defaultErrorMessage", () => {
  it("words each status family like the providers", () => {
    expect(defaultErrorMessage(429)).toMatch(/^Rate limit reached/);
    expect(defaultErrorMessage(529)).toBe("Overloaded");
    expect(defaultErrorMessage(503)).toMatch(/server had an error/);
    expect(defaultErrorMessage(400)).toBe("Invalid request.");
  });
});

describe("faults on the wire", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    const closing = servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    );
    await Promise.all(closing);
  });

  /** A local server answering every request with `answer`; returns its URL. */
  async function serve(answer: (response: ServerResponse) => Promise<void>): Promise<string> {
    const server = createServer((_request, response) => void answer(response));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const FRAMES = ["data: a\n\n", "data: b\n\n", "data: c\n\n"];
  const quiet = {
    ...defaultMockBehavior(),
    cutStreamsAfterEvents: undefined,
    stallAfterEvents: undefined,
  };
  const stream = (
    step: MockScriptStep | undefined,
    behavior: Partial<MockBehavior> = {},
  ): Promise<string> =>
    serve((response) =>
      streamWithFaults(response, {
        frames: FRAMES,
        streamErrorFrame: (status, message) => `data: error ${status} ${message}\n\n`,
        step,
        behavior: { ...quiet, ...behavior },
      }),
    );

  it("sends every frame as an event stream without a step", async () => {
    const response = await fetch(await stream(undefined));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(await response.text()).toBe(FRAMES.join(""));
  });

  it("ends early cleanly, or with the API's error frame, after the step's events", async () => {
    expect(await (await fetch(await stream({ type: "end-early", afterChunks: 1 }))).text()).toBe(
      "data: a\n\n",
    );
    const errored = await fetch(await stream({ type: "stream-error", afterChunks: 2 }));
    expect(await errored.text()).toBe("data: a\n\ndata: b\n\ndata: error 529 Overloaded\n\n");
  });

  it("resets the connection mid-stream for the step or the behaviour", async () => {
    const failed = await fetch(await stream({ type: "fail-mid-stream", afterChunks: 1 }));
    await expect(failed.text()).rejects.toThrow();
    const cut = await fetch(await stream(undefined, { cutStreamsAfterEvents: 2 }));
    await expect(cut.text()).rejects.toThrow();
  });

  it("sends half a JSON body and resets for fail-mid-stream, the whole body otherwise", async () => {
    const body = { text: "x".repeat(100) };
    const whole = await fetch(
      await serve((response) => sendWithStep(response, 200, body, undefined)),
    );
    expect(await whole.json()).toEqual(body);
    const half = await fetch(
      await serve((response) =>
        sendWithStep(response, 200, body, { type: "fail-mid-stream", afterChunks: 0 }),
      ),
    );
    await expect(half.text()).rejects.toThrow();
  });
});
