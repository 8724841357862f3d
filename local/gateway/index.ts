/** The local API Gateway WebSocket API and its management API. */
export { startGateway, WebSocketGateway, DEFAULT_GATEWAY_LIMITS } from './gateway';
export { startWebSocketApi, type RunningWebSocketApi, type WebSocketApiDefinition, type WebSocketApiDeps } from './start';
export { GatewayError, GATEWAY_ERROR_CODES, type GatewayErrorCode } from './errors';
export { compileRouteSelection, type RouteSelector } from './route-selection';
export type {
  Gateway,
  GatewayAuthorizer,
  GatewayConnectionInfo,
  GatewayFaults,
  GatewayLimits,
  GatewayOptions,
  ManagementAuthorizer,
  RouteIntegration,
} from './types';
export type { WebSocketRequestContext } from './events';
