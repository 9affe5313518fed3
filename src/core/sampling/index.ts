export { createRandom, type RandomSource } from "./random.js";
export {
  type SampleTokenOptions,
  type SamplingOptions,
  sampleToken,
  samplingDistribution,
} from "./sample-token.js";
export { softmax } from "./softmax.js";
export {
  TEMPERATURE_PRESETS,
  TEMPERATURE_TASKS,
  type TemperatureForTaskOptions,
  type TemperaturePreset,
  type TemperatureTask,
  temperatureForTask,
} from "./temperature-presets.js";
export { applyTopK } from "./top-k.js";
export { applyTopP } from "./top-p.js";
