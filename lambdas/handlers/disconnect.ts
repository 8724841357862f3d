import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { unregisterConnection } from '../core/connection-lifecycle';
import { LIFECYCLE_DETAIL_TYPES } from '../../shared/events';
import { identityOf } from '../core/connect-admission';
import { describeError } from '../core/logger';
import { emitLifecycle } from '../core/stack-events';
import { createLogger } from '../logger';
import { connectionStore, stackEvents } from '../stores';
import { presenceRuntime } from '../presence-runtime';

const logger = createLogger({ service: 'disconnect' });
const runtime = presenceRuntime(logger);

/**
 * `$disconnect`: removes the connection and all its subscriptions, then puts `WebSocketDisconnected` (with
 * API Gateway's `disconnectStatusCode` and `disconnectReason`) when lifecycle events are on. API Gateway
 * ignores the answer and `$disconnect` is best-effort, so a failure is logged and the record's TTL cleans up.
 */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResult> => {
  const { connectionId } = event.requestContext;
  const context = event.requestContext as {
    disconnectStatusCode?: number;
    disconnectReason?: string;
    authorizer?: Record<string, unknown> | null;
  };
  const closeCode = context.disconnectStatusCode;
  try {
    // Leaves its presence channels first (their other subscribers hear member_removed).
    await unregisterConnection(connectionId, { store: runtime().store });
    logger.info('disconnected', { connectionId, closeCode });
    const lifecycle = stackEvents();
    if (lifecycle.config.lifecycleEvents) {
      const { userId } = identityOf(context.authorizer);
      await emitLifecycle(
        lifecycle.events,
        LIFECYCLE_DETAIL_TYPES.disconnected,
        {
          connectionId,
          ...(userId !== undefined ? { userId } : {}),
          ...(typeof closeCode === 'number' ? { statusCode: closeCode } : {}),
          ...(typeof context.disconnectReason === 'string' ? { reason: context.disconnectReason } : {}),
        },
        logger,
      );
    }
    return { statusCode: 200, body: '' };
  } catch (error) {
    logger.error('disconnect failed', { connectionId, error: describeError(error) });
    return { statusCode: 500, body: '' };
  }
};
