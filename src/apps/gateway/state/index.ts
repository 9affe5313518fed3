export { type LastKnownRegistry, lastKnownRegistry } from "./last-known-registry.js";
export {
  type GatewayHealth,
  type GatewayState,
  type OpenGatewayStateOptions,
  openGatewayState,
  type SharedConnections,
  type SpendRowsHealth,
} from "./open-gateway-state.js";
export { isConnectionFailure, openRedisLink, type RedisLink } from "./redis-link.js";
export {
  createSharedLedger,
  type SharedLedger,
  type SharedLedgerOptions,
} from "./shared-ledger.js";
export { type RelayCycle, type SpendRelay, startSpendRelay } from "./spend-relay.js";
