import { deliver, type DeliverDeps, type DeliverOptions, type DeliveryReport } from './deliver';
import type { FanoutBatch, FanoutQueue } from './fanout';
import { describeError } from './logger';

/** One received fan-out message: its queue id (for partial batch responses) and the decoded batch. */
export interface FanoutRecord {
  /** The queue's message id (`itemIdentifier` of a partial batch failure). */
  readonly messageId: string;
  /** The batch, or why the message could not be read (a poison message: it goes to the dead-letter queue). */
  readonly batch: FanoutBatch | { readonly invalid: string };
}

/** Lambda's partial batch response for SQS (`ReportBatchItemFailures`). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Collaborators of {@link processFanoutRecords}. */
export interface FanoutWorkerDeps extends DeliverDeps {
  /** Where the failed ids of a partly failed batch go back to. */
  readonly queue: FanoutQueue;
}

/** Totals of one worker invocation, for the report line and the metrics. */
export interface FanoutWorkerReport extends DeliveryReport {
  /** Messages handed back to the queue whole (reported as batch item failures). */
  retriedMessages: number;
  /** Messages re-sent with only their failed ids. */
  requeuedMessages: number;
}

/**
 * Delivers the fan-out messages of one worker invocation and says which to retry, so that a retry covers
 * only the connections that failed:
 * - every id delivered, gone or failed for good (403, 413): the message is done;
 * - some ids failed with a retryable error (throttling, 5xx, network) after `deliver`'s own attempts: a new
 *   message with only those ids (and the same payload) is queued and the original is done; if that send
 *   fails, the original is reported as failed (its retry repeats the delivered ids: at-least-once);
 * - every id failed with a retryable error, or the message is unreadable: it is reported as failed, so the
 *   queue redelivers it and, past its `maxReceiveCount`, moves it to the dead-letter queue.
 * Each re-queued message is strictly smaller than its original, so this ends.
 * Records are delivered concurrently, sharing `options.concurrency`.
 */
export async function processFanoutRecords(
  records: readonly FanoutRecord[],
  options: DeliverOptions,
  deps: FanoutWorkerDeps,
): Promise<{ response: BatchResponse; report: FanoutWorkerReport }> {
  const now = deps.now ?? Date.now;
  const started = now();
  const total: FanoutWorkerReport = { delivered: 0, gone: 0, failed: 0, durationMs: 0, retriedMessages: 0, requeuedMessages: 0 };
  const failures: { itemIdentifier: string }[] = [];
  const perRecord = Math.max(1, Math.floor(options.concurrency / Math.max(1, records.length)));

  await Promise.all(
    records.map(async (record) => {
      const { batch } = record;
      if ('invalid' in batch) {
        deps.logger.error('unreadable fan-out message; it goes to the dead-letter queue after its retries', {
          messageId: record.messageId,
          reason: batch.invalid,
        });
        failures.push({ itemIdentifier: record.messageId });
        total.retriedMessages++;
        return;
      }
      const report = await deliver(
        single(batch.connectionIds),
        batch.payload,
        { ...options, concurrency: perRecord, collectRetryable: true },
        deps,
      );
      total.delivered += report.delivered;
      total.gone += report.gone;
      const retry = report.retryable ?? [];
      total.failed += report.failed - retry.length;
      if (retry.length === 0) return;
      if (retry.length === batch.connectionIds.length) {
        failures.push({ itemIdentifier: record.messageId });
        total.retriedMessages++;
        return;
      }
      try {
        await deps.queue.enqueue([{ ...batch, connectionIds: retry, redeliveries: (batch.redeliveries ?? 0) + 1 }]);
        total.requeuedMessages++;
        deps.logger.info('re-queued the failed ids of a fan-out batch', {
          eventId: batch.eventId,
          messageId: record.messageId,
          failed: retry.length,
          of: batch.connectionIds.length,
        });
      } catch (error) {
        deps.logger.warn('re-queueing failed ids failed; the whole message is retried', {
          eventId: batch.eventId,
          messageId: record.messageId,
          error: describeError(error),
        });
        failures.push({ itemIdentifier: record.messageId });
        total.retriedMessages++;
      }
    }),
  );
  total.durationMs = now() - started;
  return { response: { batchItemFailures: failures }, report: total };
}

async function* single(ids: readonly string[]): AsyncGenerator<readonly string[]> {
  if (ids.length) yield ids;
}
