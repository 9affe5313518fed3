/**
 * A private redis-server on a free port, for tests that must stop Redis: the shared server on
 * 6379 is never touched. `stop()` kills it (as a crash would, so clients see the connection
 * drop); `start()` brings it back on the same port, empty.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after {@link PrivateRedis.pause}. */
  resume(): void;
}

/** Why a private Redis cannot run here, or undefined when it can. */
export function privateRedisUnavailable(): string | undefined {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "redis-server is not installed";
  }
}

/**
 * @example
 * ```ts
 * const redis = await startPrivateRedis();
 * await redis.stop(); await redis.start(); await redis.stop();
 * ```
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const handle: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child !== undefined) return;
      const started = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdio: ["ignore", "pipe", "ignore"] },
      );
      child = started;
      await new Promise<void>((resolve, reject) => {
        let output = "";
        const timer = setTimeout(
          () => reject(new Error(`redis-server did not start: ${output}`)),
          10_000,
        );
        started.stdout?.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("Ready to accept connections")) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited with ${code}: ${output}`));
        });
      });
      started.stdout?.resume();
    },
    pause() {
      child?.kill("SIGSTOP");
    },
    resume() {
      child?.kill("SIGCONT");
    },
    async stop() {
      const running = child;
      if (running === undefined) return;
      child = undefined;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      running.kill("SIGCONT");
      await exited;
    },
  };
  await handle.start();
  return handle;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === "object" && address !== null) resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}
