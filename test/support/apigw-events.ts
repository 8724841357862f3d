import type { APIGatewayProxyWebsocketEventV2, EventBridgeEvent } from 'aws-lambda';
import { PUSH_DETAIL_TYPE } from '../../shared/events';

/**
 * API Gateway WebSocket events shaped like the captured ones in `test/fixtures/apigw-websocket/`
 * (the same requestContext fields; `$connect` also carries headers, query string and the authorizer).
 */
const DOMAIN = 'abc123.execute-api.us-east-1.amazonaws.com';
export const STAGE = 'prod';

function requestContext(connectionId: string, routeKey: string, eventType: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    routeKey,
    eventType,
    extendedRequestId: `ext-${now}`,
    requestTime: new Date(now).toUTCString(),
    messageDirection: 'IN',
    stage: STAGE,
    connectedAt: now - 1000,
    requestTimeEpoch: now,
    identity: { sourceIp: '127.0.0.1', userAgent: 'jest' },
    requestId: `req-${now}`,
    domainName: DOMAIN,
    connectionId,
    apiId: 'abc123',
    ...extra,
  };
}

export function connectEvent(connectionId: string, options: { principalId?: string; userId?: string } = {}): APIGatewayProxyWebsocketEventV2 {
  const authorizer =
    options.principalId !== undefined || options.userId !== undefined
      ? { authorizer: { ...(options.principalId ? { principalId: options.principalId } : {}), ...(options.userId ? { userId: options.userId } : {}), integrationLatency: 1 } }
      : {};
  return {
    headers: { Host: DOMAIN, 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' },
    multiValueHeaders: { Host: [DOMAIN] },
    queryStringParameters: null,
    requestContext: requestContext(connectionId, '$connect', 'CONNECT', authorizer),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyWebsocketEventV2;
}

export function messageEvent(connectionId: string, body: string): APIGatewayProxyWebsocketEventV2 {
  return {
    requestContext: requestContext(connectionId, '$default', 'MESSAGE', { messageId: `msg-${Math.random()}` }),
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyWebsocketEventV2;
}

export function disconnectEvent(connectionId: string): APIGatewayProxyWebsocketEventV2 {
  return {
    headers: { Host: DOMAIN },
    multiValueHeaders: { Host: [DOMAIN] },
    requestContext: requestContext(connectionId, '$disconnect', 'DISCONNECT', { disconnectStatusCode: 1001, disconnectReason: '' }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyWebsocketEventV2;
}

let eventCounter = 0;
/** An EventBridge event as a rule delivers it to its Lambda target. */
export function pushEvent(detail: unknown, id = `evt-${++eventCounter}-${Date.now()}`): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': PUSH_DETAIL_TYPE,
    source: 'test.producer',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}
