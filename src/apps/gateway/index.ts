export type { Caller } from "./authenticate-caller.js";
export {
  type ConfigIssue,
  type GatewayConfig,
  type GatewayDefaults,
  type ModelConfig,
  parseGatewayConfig,
  type UpstreamConfig,
  type UpstreamKind,
} from "./gateway-config.js";
export type { AdminApiHandler, BudgetScopesFor } from "./gateway-context.js";
export { type FailureKind, GatewayError, type GatewayFailure } from "./gateway-failure.js";
export {
  createJsonLogger,
  type GatewayLogger,
  type LogLevel,
  scrubSecrets,
} from "./gateway-logger.js";
export type { RunningGateway } from "./gateway-server.js";
export * from "./keys/index.js";
export { loadGatewayConfig, upstreamKeys } from "./load-gateway-config.js";
export { type StartedGateway, type StartGatewayOptions, startGateway } from "./start-gateway.js";
