import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { unregisterConnection } from '../core/connection-lifecycle';
import { describeError } from '../core/logger';
import { createLogger } from '../logger';
import { presenceRuntime } from '../presence-runtime';

const logger = createLogger({ service: 'disconnect' });
const runtime = presenceRuntime(logger);

/**
 * `$disconnect`: removes the connection and all its subscriptions. API Gateway ignores the answer and
 * `$disconnect` is best-effort, so a failure is logged and the record's TTL cleans up.
 */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResult> => {
  const { connectionId } = event.requestContext;
  const closeCode = (event.requestContext as { disconnectStatusCode?: number }).disconnectStatusCode;
  try {
    // Leaves its presence channels first (their other subscribers hear member_removed).
    await unregisterConnection(connectionId, { store: runtime().store });
    logger.info('disconnected', { connectionId, closeCode });
    return { statusCode: 200, body: '' };
  } catch (error) {
    logger.error('disconnect failed', { connectionId, error: describeError(error) });
    return { statusCode: 500, body: '' };
  }
};
