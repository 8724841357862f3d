import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { maySubscribe } from '../../shared/auth';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import { ERROR_CODES, type ErrorMessage, type ServerMessage } from '../../shared/protocol';
import { DynamoDbChannelHistory } from '../adapters/dynamodb-channel-history';
import { getDocumentClient, getEventBridgeClient } from '../clients';
import { once, readClientPublishConfig, readConnectionConfig, readPresenceMaxMembers, readReplayWindowSeconds } from '../config';
import { forwardClientMessage, isProtocolFrame } from '../core/client-message';
import { identityOf } from '../core/connect-admission';
import { admitFrame } from '../core/frame-gate';
import { errorMessage, handleFrame } from '../core/handle-frame';
import { clientPublish, publishRequestId } from '../core/client-publish';
import { EventBridgeStackEvents } from '../adapters/eventbridge-stack-events';
import { describeError } from '../core/logger';
import { createLogger } from '../logger';
import { connectionStore, frameGate, occupancyTracked, stackEvents } from '../stores';
import { presenceRuntime } from '../presence-runtime';
import { joinPresence, leavePresence } from '../core/presence';

const logger = createLogger({ service: 'default' });
const config = once(readConnectionConfig);
const replay = once(() => ({
  history: new DynamoDbChannelHistory(getDocumentClient(), config().tableName),
  replayWindowSeconds: readReplayWindowSeconds(),
}));

const presence = presenceRuntime(logger);
const presenceOptions = once(() => ({ ttlSeconds: config().connectionTtlSeconds, maxMembers: readPresenceMaxMembers() }));
const bus = once(() => new EventBridgeStackEvents(getEventBridgeClient(), readClientPublishConfig().eventBusName));

function withReplyTo(reply: ErrorMessage, replyTo: string | undefined): ErrorMessage {
  return replyTo === undefined ? reply : { ...reply, replyTo };
}

/**
 * `$default`: handles a client frame and answers with the reply frame as `body` (the stack sets a route
 * response, so API Gateway sends it back on the connection). A frame that is not a protocol action goes to
 * the bus as a `WebSocketMessage` when `clientMessages` is on. Never throws.
 */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<{ statusCode: number; body?: string }> => {
  const connectionId = event.requestContext.connectionId;
  let reply: ServerMessage | undefined;
  try {
    const c = config();
    const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    // Counted (rate limit) and authorized from the connection's meta item in one UpdateItem.
    const gate = await admitFrame(connectionId, { gate: frameGate(), maxPerMinute: c.maxMessagesPerMinute });
    const forward = stackEvents();
    reply = !gate.ok
      ? withReplyTo(gate.reply, publishRequestId(body))
      : forward.events && forward.config.clientMessages && !isProtocolFrame(body ?? '')
        ? await forwardClientMessage(
            { connectionId, ...userOf(event), text: body ?? '' },
            { events: forward.events, logger },
          )
        : await handleFrame(
          { connectionId, body },
          {
            // A channel's first subscriber in and last one out are lifecycle events (ChannelOccupied / ChannelVacated).
            store: occupancyTracked(connectionStore(), logger, gate.userId),
            maxSubscriptions: c.maxSubscriptions,
            logger,
            replay: replay(),
            maySubscribe: (channel) => maySubscribe(channel, gate.channels),
            presence: {
              ...(gate.userId !== undefined ? { userId: gate.userId } : {}),
              join: (channel) =>
                joinPresence(channel, connectionId, { userId: gate.userId!, ...(gate.info !== undefined ? { info: gate.info } : {}) }, presenceOptions(), presence().presence),
              leave: (channel) => leavePresence(channel, connectionId, gate.userId!, presence().presence),
            },
            // The bus is read when a valid publish is put, so a malformed one gets its typed error first.
            publish: (frame) => clientPublish(frame, { ...gate, connectionId }, { sequencer: replay(), bus: { put: (detail) => bus().put(PUSH_DETAIL_TYPE, detail) }, logger }),
          },
        );
  } catch (error) {
    logger.error('frame failed', { connectionId, error: describeError(error) });
    reply = errorMessage(ERROR_CODES.InternalError, 'The server could not handle the frame; try again');
  }
  if (reply?.type === 'error') logger.info('frame rejected', { connectionId, code: reply.code });
  // A forwarded client message gets no frame back: its answer, if any, is the service's push.
  return reply === undefined ? { statusCode: 200 } : { statusCode: 200, body: JSON.stringify(reply) };
};

/** The connection's verified user, from the authorizer's context API Gateway passes to every route. */
function userOf(event: APIGatewayProxyWebsocketEventV2): { userId?: string } {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> | null }).authorizer;
  const { userId } = identityOf(authorizer);
  return userId !== undefined ? { userId } : {};
}
