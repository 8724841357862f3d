import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { DynamoDbConnectionStore } from '../adapters/dynamodb-connection-store';
import { getDocumentClient } from '../clients';
import { once, readConnectionConfig } from '../config';
import { registerConnection } from '../core/connection-lifecycle';
import { describeError } from '../core/handle-frame';
import { createLogger } from '../logger';

const logger = createLogger({ service: 'connect' });
const config = once(readConnectionConfig);
const store = once(() => {
  const c = config();
  return new DynamoDbConnectionStore(getDocumentClient(), {
    tableName: c.tableName,
    broadcastShards: c.broadcastShards,
    queryPageSize: c.queryPageSize,
  });
});

/** `$connect` event: the WebSocket event plus the authorizer's context, when an authorizer ran. */
type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    authorizer?: { principalId?: unknown; userId?: unknown } | null;
  };
};

function userIdOf(event: ConnectEvent): string | undefined {
  const authorizer = event.requestContext.authorizer;
  const id = authorizer?.userId ?? authorizer?.principalId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** `$connect`: registers the connection. A 500 makes API Gateway refuse the handshake. */
export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResult> => {
  const { connectionId, connectedAt } = event.requestContext;
  try {
    const c = config();
    const userId = userIdOf(event);
    await registerConnection(
      { connectionId, connectedAt, ...(userId !== undefined ? { userId } : {}) },
      { store: store(), ttlSeconds: c.connectionTtlSeconds, logger },
    );
    logger.info('connected', { connectionId, authenticated: userId !== undefined });
    return { statusCode: 200, body: '' };
  } catch (error) {
    logger.error('connect failed', { connectionId, error: describeError(error) });
    return { statusCode: 500, body: '' };
  }
};
