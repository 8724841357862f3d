import { authorizerContext, evaluateAuthorizerResponse, missingIdentitySource } from './authorizer';
import { authorizerEvent, connectEvent, type ConnectionScope } from './events';
import { errorText, responseBody, resultHeader, statusCodeOf } from './integration-result';
import type { RequestInfo } from './request-info';
import type { GatewayAuthorizer, GatewayLimits, RouteIntegration } from './types';
import { invokeWithTimeout } from './with-timeout';

/** The outcome of the authorizer and `$connect`: accept (with subprotocol) or reject with an HTTP answer. */
export type Admission =
  | { accept: true; protocol?: string; status: number; authorizer?: Record<string, unknown> }
  | { accept: false; status: number; body: string; errorType?: string };

/** What admission needs from the gateway. */
export interface AdmissionContext {
  apiId: string;
  stage: string;
  region: string;
  accountId: string;
  limits: GatewayLimits;
  authorizer?: GatewayAuthorizer;
  connectRoute?: RouteIntegration;
  log(line: string): void;
}

/**
 * Runs the REQUEST authorizer (if any), then the `$connect` integration (if any), and decides what the
 * client gets: the `101` (with the subprotocol `$connect` returned) or an HTTP status, as API Gateway does.
 */
export async function admitConnection(
  ctx: AdmissionContext,
  scope: ConnectionScope,
  info: RequestInfo,
  requestId: string,
): Promise<Admission> {
  let authorizer: Record<string, unknown> | undefined;
  const auth = ctx.authorizer;
  if (auth) {
    if (missingIdentitySource(auth.identitySources, info) !== undefined) {
      return { accept: false, status: 401, body: JSON.stringify({ message: 'Unauthorized' }), errorType: 'UnauthorizedException' };
    }
    const methodArn = `arn:aws:execute-api:${ctx.region}:${ctx.accountId}:${ctx.apiId}/${ctx.stage}/$connect`;
    const event = authorizerEvent(scope, info, methodArn, Date.now(), requestId);
    const outcome = await invokeWithTimeout(auth.invoke, event, ctx.limits.integrationTimeoutMs);
    if (outcome.kind === 'error' && errorText(outcome.error) === 'Unauthorized') {
      return { accept: false, status: 401, body: JSON.stringify({ message: 'Unauthorized' }), errorType: 'UnauthorizedException' };
    }
    if (outcome.kind !== 'ok') {
      ctx.log(`gateway  authorizer ${outcome.kind === 'timeout' ? 'timed out' : `failed: ${errorText(outcome.error)}`}`);
      return { accept: false, status: 500, body: JSON.stringify({ message: null }), errorType: 'AuthorizerConfigurationException' };
    }
    try {
      const decision = evaluateAuthorizerResponse(outcome.value, methodArn);
      if (decision.effect === 'Deny') {
        const message = decision.explicit
          ? 'User is not authorized to access this resource with an explicit deny'
          : 'User is not authorized to access this resource';
        return { accept: false, status: 403, body: JSON.stringify({ Message: message }), errorType: 'AccessDeniedException' };
      }
      authorizer = authorizerContext(decision, outcome.ms);
    } catch (e) {
      ctx.log(`gateway  authorizer answered badly: ${errorText(e)}`);
      return { accept: false, status: 500, body: JSON.stringify({ message: null }), errorType: 'AuthorizerConfigurationException' };
    }
  }
  const route = ctx.connectRoute;
  if (!route) return { accept: true, status: 200, authorizer };
  const event = connectEvent({ ...scope, authorizer }, info, Date.now(), requestId);
  const outcome = await invokeWithTimeout(route.invoke, event, ctx.limits.integrationTimeoutMs);
  if (outcome.kind === 'timeout') {
    return { accept: false, status: 504, body: JSON.stringify({ message: 'Endpoint request timed out' }) };
  }
  if (outcome.kind === 'error') {
    ctx.log(`gateway  $connect ${scope.connectionId} → ${route.name ?? 'integration'} failed: ${errorText(outcome.error)}`);
    return { accept: false, status: 502, body: JSON.stringify({ message: 'Internal server error' }) };
  }
  const status = statusCodeOf(outcome.value) ?? 200;
  if (status < 200 || status > 299) {
    return { accept: false, status, body: responseBody(outcome.value) ?? '' };
  }
  return { accept: true, status, protocol: resultHeader(outcome.value, 'Sec-WebSocket-Protocol'), authorizer };
}
