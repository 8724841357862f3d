import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { once, readConnectionConfig } from '../config';
import { acceptedSubprotocol, checkOrigin, identityOf } from '../core/connect-admission';
import { registerConnection } from '../core/connection-lifecycle';
import { describeError } from '../core/logger';
import { emitLifecycle } from '../core/stack-events';
import { LIFECYCLE_DETAIL_TYPES } from '../../shared/events';
import { createLogger } from '../logger';
import { connectionStore, stackEvents } from '../stores';

const logger = createLogger({ service: 'connect' });
const config = once(readConnectionConfig);

/** `$connect` event: the WebSocket event plus headers and the authorizer's context, when an authorizer ran. */
type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  headers?: Record<string, string | undefined> | null;
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    authorizer?: Record<string, unknown> | null;
  };
};

/**
 * `$connect`: checks the origin (403 when not allowed), registers the connection with the user and channel
 * permissions the authorizer established, and returns the accepted subprotocol. A 500 makes API Gateway
 * refuse the handshake. Logs ids only: never the query string (it may hold a token) or headers.
 */
export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResult> => {
  const { connectionId, connectedAt } = event.requestContext;
  try {
    const c = config();
    const origin = checkOrigin(event.headers, c.allowedOrigins);
    if (!origin.ok) {
      logger.info('connection refused', { connectionId, reason: origin.reason });
      return { statusCode: 403, body: '' };
    }
    const { userId, channels, publish, info } = identityOf(event.requestContext.authorizer);
    await registerConnection(
      { connectionId, connectedAt, ...(userId !== undefined ? { userId } : {}), channels, publish, info },
      { store: connectionStore(), ttlSeconds: c.connectionTtlSeconds, logger },
    );
    logger.info('connected', { connectionId, authenticated: userId !== undefined, permissions: channels.length });
    // Put before the handshake completes: a push it triggers may meet a 410 for a moment, which delivery
    // retries for a connection this young (see lambdas/core/deliver.ts).
    const lifecycle = stackEvents();
    if (lifecycle.config.lifecycleEvents) {
      await emitLifecycle(
        lifecycle.events,
        LIFECYCLE_DETAIL_TYPES.connected,
        { connectionId, ...(userId !== undefined ? { userId } : {}), connectedAt: connectedAt ?? Date.now() },
        logger,
      );
    }
    const protocol = acceptedSubprotocol(event.headers);
    return { statusCode: 200, body: '', ...(protocol ? { headers: { 'Sec-WebSocket-Protocol': protocol } } : {}) };
  } catch (error) {
    logger.error('connect failed', { connectionId, error: describeError(error) });
    return { statusCode: 500, body: '' };
  }
};
