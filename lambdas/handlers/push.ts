import type { EventBridgeEvent } from 'aws-lambda';
import { DynamoDbConnectionStore } from '../adapters/dynamodb-connection-store';
import { SqsDeadLetterSink } from '../adapters/dead-letter';
import { ManagementApiPublisher } from '../adapters/management-api-publisher';
import { getDocumentClient, getManagementApiClient, getSqsClient } from '../clients';
import { once, readPushConfig } from '../config';
import { describeError } from '../core/handle-frame';
import { processPush } from '../core/process-push';
import { createLogger } from '../logger';

const logger = createLogger({ service: 'push' });
const deps = once(() => {
  const c = readPushConfig();
  return {
    config: c,
    store: new DynamoDbConnectionStore(getDocumentClient(), {
      tableName: c.tableName,
      broadcastShards: c.broadcastShards,
      queryPageSize: c.queryPageSize,
    }),
    publisher: new ManagementApiPublisher(getManagementApiClient(c.callbackUrl, c.deliveryConcurrency)),
    deadLetter: new SqsDeadLetterSink(getSqsClient(), c.deadLetterQueueUrl),
  };
});

/**
 * EventBridge target: pushes the event's `data` to its audience. An invalid event goes to the
 * dead-letter queue and the handler returns (retrying cannot fix it); if that send fails, or the
 * registry cannot be read, the handler throws so that Lambda's async retries and on-failure
 * destination keep the event.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  try {
    const { config, store, publisher, deadLetter } = deps();
    await processPush(event, { concurrency: config.deliveryConcurrency }, { store, publisher, deadLetter, logger });
  } catch (error) {
    logger.error('push failed', { eventId: event?.id, error: describeError(error) });
    throw error;
  }
};
