import { invalidInput } from "../errors/index.js";
import { checkTemperature } from "./softmax.js";

/** A recommended temperature for a kind of task, the usual range, and the reason. */
export interface TemperaturePreset {
  readonly temperature: number;
  /** Inclusive [min, max] of temperatures that suit the task. */
  readonly range: readonly [min: number, max: number];
  readonly why: string;
}

function preset(
  temperature: number,
  range: readonly [number, number],
  why: string,
): TemperaturePreset {
  return Object.freeze({ temperature, range: Object.freeze(range), why });
}

/**
 * Temperatures by task: the point values are a common rule of thumb (code 0, factual 0.2,
 * general 0.7, creative 1.0, brainstorm 1.3) and each range is the band usually recommended.
 * Frozen, so one caller cannot change another's defaults.
 *
 * @example
 * ```ts
 * TEMPERATURE_PRESETS.factual; // { temperature: 0.2, range: [0, 0.3], why: "Minimize hallucination" }
 * ```
 */
export const TEMPERATURE_PRESETS = Object.freeze({
  code: preset(0, [0, 0], "Deterministic, reproducible"),
  factual: preset(0.2, [0, 0.3], "Minimize hallucination"),
  general: preset(0.7, [0.7, 0.7], "Natural variation"),
  creative: preset(1.0, [0.9, 1.2], "Unexpected combinations"),
  brainstorm: preset(1.3, [1.0, 1.5], "Explore diverse ideas"),
});

/** A task with a temperature preset. */
export type TemperatureTask = keyof typeof TEMPERATURE_PRESETS;

/** The tasks with presets, in order from coldest to hottest. */
export const TEMPERATURE_TASKS = Object.freeze(
  Object.keys(TEMPERATURE_PRESETS) as TemperatureTask[],
);

export interface TemperatureForTaskOptions {
  /** Returned for an unknown task instead of throwing (e.g. 0.7). */
  fallback?: number;
}

/**
 * The recommended temperature for a task. Names are matched ignoring case and surrounding
 * spaces. An unknown task throws an `invalid_input` error listing the known ones, unless a
 * `fallback` is given.
 *
 * @example
 * ```ts
 * temperatureForTask("code");                         // 0
 * temperatureForTask("poetry", { fallback: 0.7 });    // 0.7
 * temperatureForTask("poetry");                       // throws: task "poetry" is unknown; ...
 * ```
 */
export function temperatureForTask(
  task: TemperatureTask | (string & {}),
  options: TemperatureForTaskOptions = {},
): number {
  const { fallback } = options;
  if (fallback !== undefined) checkTemperature(fallback, "fallback");
  const key = typeof task === "string" ? task.trim().toLowerCase() : "";
  if (Object.hasOwn(TEMPERATURE_PRESETS, key)) {
    return TEMPERATURE_PRESETS[key as TemperatureTask].temperature;
  }
  if (fallback !== undefined) return fallback;
  throw invalidInput(
    "task",
    `${JSON.stringify(task) ?? String(task)} is unknown; known tasks: ${TEMPERATURE_TASKS.join(", ")} (or pass { fallback } for other tasks)`,
  );
}
