import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileForNode } from "./compile-for-node.js";
import type { FailingWorkerJob } from "./failing-worker.js";
import { startWorker, type WorkerProcess } from "./worker-process.js";

describe("startWorker", () => {
  let compiled: { entry: string; directory: string };
  const started: WorkerProcess[] = [];

  beforeAll(() => {
    compiled = compileForNode("adapters/ledger/test-support/failing-worker.ts");
  });

  afterAll(() => {
    for (const worker of started) worker.kill("SIGKILL");
    rmSync(compiled.directory, { recursive: true, force: true });
  });

  function worker(name: string): WorkerProcess {
    const process = startWorker(compiled.entry, name);
    started.push(process);
    return process;
  }

  it("answers with the worker's messages, in order", async () => {
    const echo = worker("echo");
    expect(await echo.request<string>({ echo: "one" } satisfies FailingWorkerJob)).toBe("one");
    expect(await echo.request<string>({ echo: "two" } satisfies FailingWorkerJob)).toBe("two");
    echo.kill();
    expect(await echo.exited).toEqual({ code: null, signal: "SIGTERM" });
    await expect(echo.request({ echo: "three" })).rejects.toThrow(
      /echo exited \(signal SIGTERM\) before answering/,
    );
  });

  it.each([
    ["throw", /thrower failed:\nError: thrown before answering/],
    ["reject", /rejecter failed:\nError: rejected before answering/],
  ] as const)("rejects with the error a worker did not catch (%s)", async (fail, message) => {
    const failing = worker(fail === "throw" ? "thrower" : "rejecter");
    await expect(failing.request({ fail } satisfies FailingWorkerJob)).rejects.toThrow(message);
    expect((await failing.exited).code).toBe(1);
  });

  it("rejects with the exit code and stderr of a worker that died without a word", async () => {
    const dying = worker("dying");
    await expect(dying.request({ fail: "exit" } satisfies FailingWorkerJob)).rejects.toThrow(
      /dying exited \(code 3\) before answering:\nnative crash, no message/,
    );
  });

  it("rejects when the entry cannot even be loaded", async () => {
    const missing = startWorker(`${compiled.directory}/no-such-worker.js`, "missing");
    started.push(missing);
    await expect(missing.request({ echo: "hello" })).rejects.toThrow(
      /missing exited \(code 1\) before answering:[\s\S]*Cannot find module/,
    );
  });
});
