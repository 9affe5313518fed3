/** A real HTTP server that stalls on purpose, for timeout tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** How the server stalls: never answer, one chunk then silence, half a JSON body, or events forever. */
export type Stall = "silent" | "one-chunk" | "partial-json" | "drip";

function chunkEvent(text: string): string {
  const chunk = {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export interface StallingServer {
  /** The OpenAI-compatible base URL ("http://127.0.0.1:PORT/v1"). */
  url: string;
  /** Sets how the next requests stall. */
  stall: (mode: Stall) => void;
  close: () => Promise<void>;
}

/**
 * A local HTTP server that answers every request by stalling the way the test asks, speaking
 * just enough of OpenAI's stream format for the adapter to read its chunks.
 *
 * @example
 * ```ts
 * const server = await startStallingServer();
 * server.stall("one-chunk");
 * createOpenAICompatibleProvider({ baseUrl: server.url, apiKey: "sk-test" });
 * ```
 */
export async function startStallingServer(): Promise<StallingServer> {
  let mode: Stall = "silent";
  const open = new Set<ServerResponse>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    open.add(response);
    request.resume();
    if (mode === "silent") return;
    if (mode === "partial-json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"id":"chatcmpl-1","choices":[');
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(chunkEvent("Hel"));
    if (mode === "drip") {
      const timer = setInterval(() => response.write(chunkEvent("")), 30);
      timers.add(timer);
      response.on("close", () => clearInterval(timer));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    stall: (next) => {
      mode = next;
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const response of open) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
