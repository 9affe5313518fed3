import { describe, expect, it } from "vitest";
import { generateRequest } from "./generate.js";

describe("generateRequest", () => {
  it("uses the task's temperature, the default model and an optional system message", () => {
    expect(
      generateRequest(
        "Write",
        { task: "Creative", system: "Be vivid", maxTokens: 50 },
        "gpt-4o-mini",
      ),
    ).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be vivid" },
        { role: "user", content: "Write" },
      ],
      temperature: 1,
      max_tokens: 50,
    });
    expect(generateRequest("Facts", { task: "factual", model: "gpt-4o" }, "x")).toMatchObject({
      model: "gpt-4o",
      temperature: 0.2,
    });
    expect(generateRequest("Hi", { temperature: 0.1, task: "brainstorm" }, "x").temperature).toBe(
      0.1,
    );
  });

  it("refuses an empty prompt", () => {
    expect(() => generateRequest(" ", {}, "x")).toThrow("prompt must be a non-empty string");
  });
});
