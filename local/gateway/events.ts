import { clfTime } from './clf-time';
import { awsStyleId } from './ids';
import type { RequestInfo } from './request-info';

/** `requestContext` of the events API Gateway sends to WebSocket integrations. */
export interface WebSocketRequestContext {
  routeKey: string;
  messageId?: string;
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  extendedRequestId: string;
  requestTime: string;
  messageDirection: 'IN';
  disconnectStatusCode?: number;
  disconnectReason?: string;
  stage: string;
  connectedAt: number;
  requestTimeEpoch: number;
  identity: { userAgent: string | null; sourceIp: string };
  requestId: string;
  domainName: string;
  connectionId: string;
  apiId: string;
  /** The authorizer's `context`, with its `principalId` and `integrationLatency`. */
  authorizer?: Record<string, unknown>;
}

/** What every event of one connection shares. */
export interface ConnectionScope {
  apiId: string;
  stage: string;
  domainName: string;
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent: string | null;
  authorizer?: Record<string, unknown>;
}

/** Builds a `requestContext` for one request of a connection (a fresh `requestId`). */
export function requestContext(
  scope: ConnectionScope,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  nowMs: number,
  requestId: string = awsStyleId(),
): WebSocketRequestContext {
  const ctx: WebSocketRequestContext = {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(nowMs),
    messageDirection: 'IN',
    stage: scope.stage,
    connectedAt: scope.connectedAt,
    requestTimeEpoch: nowMs,
    identity: { userAgent: scope.userAgent, sourceIp: scope.sourceIp },
    requestId,
    domainName: scope.domainName,
    connectionId: scope.connectionId,
    apiId: scope.apiId,
  };
  if (scope.authorizer) ctx.authorizer = scope.authorizer;
  return ctx;
}

function requestParts(info: RequestInfo) {
  return {
    headers: info.headers,
    multiValueHeaders: info.multiValueHeaders,
    ...(info.queryStringParameters && {
      queryStringParameters: info.queryStringParameters,
      multiValueQueryStringParameters: info.multiValueQueryStringParameters,
    }),
  };
}

/** The `$connect` event (eventType `CONNECT`): the handshake's headers and query string. */
export function connectEvent(scope: ConnectionScope, info: RequestInfo, nowMs: number, requestId: string) {
  return {
    ...requestParts(info),
    requestContext: requestContext(scope, '$connect', 'CONNECT', nowMs, requestId),
    isBase64Encoded: false,
  };
}

/** The REQUEST authorizer's event: `type`, `methodArn` ending in `/<stage>/$connect`, request and context. */
export function authorizerEvent(
  scope: ConnectionScope,
  info: RequestInfo,
  methodArn: string,
  nowMs: number,
  requestId: string,
) {
  return {
    type: 'REQUEST' as const,
    methodArn,
    ...requestParts(info),
    stageVariables: {},
    requestContext: requestContext({ ...scope, authorizer: undefined }, '$connect', 'CONNECT', nowMs, requestId),
  };
}

/** A message event (eventType `MESSAGE`) for the selected route. */
export function messageEvent(scope: ConnectionScope, routeKey: string, body: string, nowMs: number) {
  const requestContextValue = requestContext(scope, routeKey, 'MESSAGE', nowMs);
  return {
    requestContext: { ...requestContextValue, messageId: awsStyleId() },
    body,
    isBase64Encoded: false,
  };
}

/** The `$disconnect` event (eventType `DISCONNECT`), with the close code and reason. */
export function disconnectEvent(scope: ConnectionScope, statusCode: number, reason: string, nowMs: number) {
  // API Gateway sends these fixed headers with $disconnect (see the captured reference event).
  const headers = { Host: scope.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  return {
    headers,
    multiValueHeaders,
    requestContext: {
      ...requestContext(scope, '$disconnect', 'DISCONNECT', nowMs),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}
