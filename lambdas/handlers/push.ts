import type { EventBridgeEvent } from 'aws-lambda';
import { DynamoDbChannelHistory } from '../adapters/dynamodb-channel-history';
import { SqsDeadLetterSink } from '../adapters/dead-letter';
import { PowertoolsDeliveryMetrics } from '../adapters/powertools-metrics';
import { SqsFanoutQueue } from '../adapters/sqs-fanout-queue';
import { getDocumentClient, getSignedPostPublisher, getSqsClient } from '../clients';
import { once, readFanoutConfig, readPushConfig, readReplayWindowSeconds } from '../config';
import { describeError } from '../core/logger';
import { METRIC_SERVICES } from '../core/metrics';
import { processPush } from '../core/process-push';
import { createLogger } from '../logger';
import { presenceRuntime } from '../presence-runtime';

const logger = createLogger({ service: 'push' });
const runtime = presenceRuntime(logger);
const deps = once(() => {
  const c = readPushConfig();
  const fanout = readFanoutConfig();
  return {
    config: c,
    fanout,
    fanoutQueue: fanout.fanoutQueueUrl ? new SqsFanoutQueue(getSqsClient(), { queueUrl: fanout.fanoutQueueUrl }) : undefined,
    metrics: new PowertoolsDeliveryMetrics(METRIC_SERVICES.push),
    // A 410 removes the connection, and takes it out of its presence channels first.
    store: runtime().store,
    publisher: getSignedPostPublisher(c.callbackUrl, c.deliveryConcurrency),
    deadLetter: new SqsDeadLetterSink(getSqsClient(), c.deadLetterQueueUrl),
  };
});

/** Numbers channel messages and keeps them for replay (same table as the registry). */
const sequencer = once(() => ({
  history: new DynamoDbChannelHistory(getDocumentClient(), readPushConfig().tableName),
  replayWindowSeconds: readReplayWindowSeconds(),
}));

/**
 * EventBridge target: pushes the event's `data` to its audience. An invalid event goes to the
 * dead-letter queue and the handler returns (retrying cannot fix it); if that send fails, or the
 * registry cannot be read, the handler throws so that Lambda's async retries and on-failure
 * destination keep the event.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  try {
    const { config, fanout, fanoutQueue, metrics, store, publisher, deadLetter } = deps();
    await processPush(
      event,
      { concurrency: config.deliveryConcurrency, fanoutThreshold: fanout.fanoutThreshold, fanoutBatchSize: fanout.fanoutBatchSize },
      { store, publisher, deadLetter, logger, fanoutQueue, metrics, sequencer: sequencer() },
    );
  } catch (error) {
    logger.error('push failed', { eventId: event?.id, error: describeError(error) });
    throw error;
  }
};
