import { PushError } from '../../shared/errors';

/** Stable codes of the gateway's errors. */
export const GATEWAY_ERROR_CODES = {
  /** The route selection expression is not one the gateway can evaluate. */
  InvalidRouteSelectionExpression: 'InvalidRouteSelectionExpression',
  /** An option given to `startGateway` is invalid (port, stage, limits). */
  InvalidGatewayOptions: 'InvalidGatewayOptions',
  /** An integration did not answer within the integration timeout. */
  IntegrationTimeout: 'IntegrationTimeout',
  /** The authorizer answered something that is not a valid policy response. */
  InvalidAuthorizerResponse: 'InvalidAuthorizerResponse',
  /** The gateway is stopping and accepts no new work. */
  GatewayStopped: 'GatewayStopped',
} as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[keyof typeof GATEWAY_ERROR_CODES];

/** An error raised by the local WebSocket gateway; `code` is one of {@link GATEWAY_ERROR_CODES}. */
export class GatewayError extends PushError {
  constructor(code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
