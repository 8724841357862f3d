import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PowertoolsDeliveryMetrics } from '../adapters/powertools-metrics';
import { decodeFanoutRecord, SqsFanoutQueue } from '../adapters/sqs-fanout-queue';
import { getSignedPostPublisher, getSqsClient } from '../clients';
import { once, readFanoutWorkerConfig } from '../config';
import { processFanoutRecords } from '../core/fanout-worker';
import { describeError } from '../core/logger';
import { METRIC_SERVICES } from '../core/metrics';
import { createLogger } from '../logger';
import { presenceRuntime } from '../presence-runtime';

const logger = createLogger({ service: 'fanout-worker' });
const runtime = presenceRuntime(logger);
const deps = once(() => {
  const c = readFanoutWorkerConfig();
  return {
    config: c,
    // A 410 removes the connection, and takes it out of its presence channels first.
    store: runtime().store,
    publisher: getSignedPostPublisher(c.callbackUrl, c.deliveryConcurrency),
    queue: new SqsFanoutQueue(getSqsClient(), { queueUrl: c.fanoutQueueUrl }),
    metrics: new PowertoolsDeliveryMetrics(METRIC_SERVICES.fanoutWorker),
  };
});

/**
 * SQS event source (ReportBatchItemFailures): posts each message's framed payload to its batch of
 * connection ids and answers which messages to retry. Failed ids of a partly failed message are re-queued
 * on their own, so a retry repeats only them.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  try {
    const { config, store, publisher, queue, metrics } = deps();
    const records = (event.Records ?? []).map(decodeFanoutRecord);
    const { response, report } = await processFanoutRecords(
      records,
      { concurrency: config.deliveryConcurrency },
      { store, publisher, queue, logger },
    );
    metrics.publish({ ...report, retriedBatches: report.retriedMessages + report.requeuedMessages });
    logger.info('fan-out batch delivered', {
      messages: records.length,
      delivered: report.delivered,
      gone: report.gone,
      failed: report.failed,
      retriedMessages: report.retriedMessages,
      requeuedMessages: report.requeuedMessages,
      durationMs: report.durationMs,
    });
    return response;
  } catch (error) {
    logger.error('fan-out worker failed', { error: describeError(error) });
    throw error;
  }
};
