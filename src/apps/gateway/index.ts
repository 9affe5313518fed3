export type { Caller } from "./authenticate-caller.js";
export {
  type ConfigIssue,
  type GatewayConfig,
  type GatewayDefaults,
  type GatewayStateConfig,
  type ModelConfig,
  parseGatewayConfig,
  type UpstreamConfig,
  type UpstreamKind,
} from "./gateway-config.js";
export type { AdminApiHandler, BudgetScopesFor } from "./gateway-context.js";
export {
  describeEngines,
  type EngineFlags,
  type GatewayEngines,
  POSTGRES_URL_ENV,
  REDIS_URL_ENV,
  redactUrl,
  resolveGatewayEngines,
} from "./gateway-engines.js";
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
export {
  type DashboardFactory,
  type DashboardMount,
  type StartedGateway,
  type StartGatewayOptions,
  startGateway,
} from "./start-gateway.js";
export {
  type GatewayHealth,
  type GatewayState,
  type OpenGatewayStateOptions,
  openGatewayState,
  type SharedConnections,
  type SpendRowsHealth,
} from "./state/index.js";
