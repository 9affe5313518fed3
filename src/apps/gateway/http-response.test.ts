import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendJson } from "./http-response.js";

describe("sendJson", () => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  async function answer(body: unknown): Promise<{ text: string; length: string | null }> {
    const server = createServer((_req, res) => sendJson(res, 200, body, { "x-test": "1" }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.headers.get("content-type")).toBe("application/json");
    return { text: await response.text(), length: response.headers.get("content-length") };
  }

  it("writes JSON with its byte length", async () => {
    expect(await answer({ text: "héllo", n: 1 })).toEqual({
      text: '{"text":"héllo","n":1}',
      length: "23",
    });
  });

  it("writes bigints, wherever they are, as decimal strings", async () => {
    const { text } = await answer({ limit: 5_000_000_000_000n, nested: [{ spent: 7n }] });
    expect(JSON.parse(text)).toEqual({ limit: "5000000000000", nested: [{ spent: "7" }] });
  });
});
