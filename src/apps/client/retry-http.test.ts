import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RETRYABLE_STATUSES, retryAfterMsFromHeaders } from "../../adapters/providers/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { withRetry } from "./index.js";

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  server = undefined;
});

/** A real server: 429 with `Retry-After: 1` on the first request, then 200 with JSON. */
async function startFlakyServer(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((_request, response) => {
    requests += 1;
    if (requests === 1) {
      response.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "slow down" } }));
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ answer: 42 }));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests: () => requests };
}

/** Turns a failed response into the error a provider adapter would throw. */
function errorFrom(response: Response): TokenwiseError {
  const details: Record<string, unknown> = {
    provider: "local",
    status: response.status,
    retryable: RETRYABLE_STATUSES.has(response.status),
  };
  const retryAfterMs = retryAfterMsFromHeaders(response.headers, Date.now());
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  const code = response.status === 429 ? "rate_limited" : "provider_error";
  return new TokenwiseError(code, `HTTP ${response.status}`, { details });
}

describe("withRetry over real HTTP", () => {
  it("honours Retry-After: 1 from a real 429 as a 1000 ms wait", async () => {
    const { url, requests } = await startFlakyServer();
    const requestedWaits: number[] = [];
    const result = await withRetry(
      async ({ signal }) => {
        const response = await fetch(url, { signal });
        if (!response.ok) {
          await response.body?.cancel();
          throw errorFrom(response);
        }
        return (await response.json()) as { answer: number };
      },
      {
        random: () => 0.5,
        sleep: async (ms) => {
          requestedWaits.push(ms);
        },
      },
    );
    expect(result).toEqual({ answer: 42 });
    expect(requests()).toBe(2);
    expect(requestedWaits).toEqual([1000]);
  });
});
