import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { TEMPERATURE_PRESETS, TEMPERATURE_TASKS, temperatureForTask } from "./index.js";

describe("TEMPERATURE_PRESETS", () => {
  it("holds the point values and ranges of the usual rule of thumb", () => {
    expect(TEMPERATURE_PRESETS).toEqual({
      code: { temperature: 0, range: [0, 0], why: "Deterministic, reproducible" },
      factual: { temperature: 0.2, range: [0, 0.3], why: "Minimize hallucination" },
      general: { temperature: 0.7, range: [0.7, 0.7], why: "Natural variation" },
      creative: { temperature: 1.0, range: [0.9, 1.2], why: "Unexpected combinations" },
      brainstorm: { temperature: 1.3, range: [1.0, 1.5], why: "Explore diverse ideas" },
    });
    expect(TEMPERATURE_TASKS).toEqual(["code", "factual", "general", "creative", "brainstorm"]);
  });

  it("puts every point value inside its range", () => {
    for (const { temperature, range } of Object.values(TEMPERATURE_PRESETS)) {
      expect(temperature).toBeGreaterThanOrEqual(range[0]);
      expect(temperature).toBeLessThanOrEqual(range[1]);
    }
  });

  it("is frozen all the way down", () => {
    expect(Object.isFrozen(TEMPERATURE_PRESETS)).toBe(true);
    expect(Object.isFrozen(TEMPERATURE_PRESETS.creative)).toBe(true);
    expect(Object.isFrozen(TEMPERATURE_PRESETS.creative.range)).toBe(true);
  });
});

describe("temperatureForTask", () => {
  it("returns each task's temperature, ignoring case and spaces", () => {
    expect(temperatureForTask("code")).toBe(0);
    expect(temperatureForTask("factual")).toBe(0.2);
    expect(temperatureForTask("general")).toBe(0.7);
    expect(temperatureForTask(" Creative ")).toBe(1.0);
    expect(temperatureForTask("BRAINSTORM")).toBe(1.3);
  });

  it("lists the known tasks for an unknown one", () => {
    expect(() => temperatureForTask("poetry")).toThrowError(
      'task "poetry" is unknown; known tasks: code, factual, general, creative, brainstorm (or pass { fallback } for other tasks)',
    );
    expect(() => temperatureForTask("toString")).toThrowError(/task "toString" is unknown/);
    try {
      temperatureForTask("");
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    }
  });

  it("uses the fallback for unknown tasks only, and validates it", () => {
    expect(temperatureForTask("poetry", { fallback: 0.9 })).toBe(0.9);
    expect(temperatureForTask("code", { fallback: 0.9 })).toBe(0);
    expect(() => temperatureForTask("code", { fallback: -1 })).toThrowError(
      /fallback must be a finite number >= 0/,
    );
  });
});
