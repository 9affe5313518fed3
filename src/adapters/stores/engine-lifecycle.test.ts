import { describe, expect, it } from "vitest";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import { createEngineLifecycle } from "./engine-lifecycle.js";

describe("createEngineLifecycle", () => {
  it("wraps a driver failure in a store_error naming the engine and operation", async () => {
    const lifecycle = createEngineLifecycle("Test store");
    const failing = () => {
      throw new Error("disk I/O error");
    };
    expect(() => lifecycle.run("get", failing)).toThrow("Test store get failed: disk I/O error");
    await expect(
      lifecycle.runAsync("set", async () => Promise.reject(new Error("connection lost"))),
    ).rejects.toThrow("Test store set failed: connection lost");
  });

  it("passes a TokenwiseError through unchanged and returns what the work returns", async () => {
    const lifecycle = createEngineLifecycle("Test store");
    const refused = invalidInput("key", "must be a non-empty string");
    let thrown: unknown;
    try {
      lifecycle.run("get", () => {
        throw refused;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(refused);
    expect(lifecycle.run("get", () => 42)).toBe(42);
    expect(await lifecycle.runAsync("get", async () => "value")).toBe("value");
  });

  it("refuses every operation once closed, and reports the first close only", async () => {
    const lifecycle = createEngineLifecycle("Test store");
    expect(lifecycle.close()).toBe(true);
    expect(lifecycle.close()).toBe(false);
    const closedMessage = "Test store is closed; create a new one to keep using it";
    expect(() => lifecycle.ensureOpen()).toThrow(closedMessage);
    expect(() => lifecycle.run("get", () => 1)).toThrow(closedMessage);
    await expect(lifecycle.runAsync("get", async () => 1)).rejects.toThrow(closedMessage);
    let thrown: unknown;
    try {
      lifecycle.ensureOpen();
    } catch (error) {
      thrown = error;
    }
    expect(TokenwiseError.hasCode(thrown, "store_error")).toBe(true);
  });
});
