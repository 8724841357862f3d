import type { ConnectionStore } from './connection-store';
import type { DeadLetterSink } from './dead-letter-sink';
import type { DeliverDeps, DeliverOptions, DeliveryReport } from './deliver';
import { fanOut, type FanoutQueue } from './fanout';
import { noMetrics, type DeliveryMetrics } from './metrics';
import { DEFAULT_FANOUT_BATCH_SIZE, DEFAULT_FANOUT_THRESHOLD } from '../../shared/limits';
import type { Publisher } from './publisher';
import { validateDetail } from './validate-detail';
import { withSeq, type ChannelSequencer } from './sequence-push';

/** Collaborators of {@link processPush}. */
export interface ProcessPushDeps extends Omit<DeliverDeps, 'store' | 'publisher'> {
  readonly store: ConnectionStore;
  readonly publisher: Publisher;
  readonly deadLetter: DeadLetterSink;
  /** Numbers channel messages (`seq`) and keeps them for replay. @default none: no seq, no replay */
  readonly sequencer?: ChannelSequencer;
  /** The fan-out queue for large audiences. @default none: every audience is delivered directly */
  readonly fanoutQueue?: FanoutQueue;
  /** Where the push's figures go. @default none */
  readonly metrics?: DeliveryMetrics;
}

/** Settings of {@link processPush}: delivery, plus how large audiences are cut for the fan-out workers. */
export interface ProcessPushOptions extends DeliverOptions {
  /** Audiences of more than this many connections go to the fan-out queue. @default DEFAULT_FANOUT_THRESHOLD */
  readonly fanoutThreshold?: number;
  /** Connection ids per fan-out batch. @default DEFAULT_FANOUT_BATCH_SIZE */
  readonly fanoutBatchSize?: number;
}

export type PushOutcome =
  | { readonly status: 'delivered'; readonly report: DeliveryReport }
  | { readonly status: 'queued'; readonly connections: number; readonly batches: number; readonly durationMs: number }
  | { readonly status: 'rejected'; readonly code: string; readonly reason: string };

/**
 * Validates an EventBridge push event and delivers it to its audience. An invalid event is a permanent
 * failure: it goes to the dead-letter sink with its reason and the call returns normally. Errors of the
 * dead-letter sink or of the store propagate, so that the caller (Lambda's async invocation) retries.
 */
export async function processPush(event: unknown, options: ProcessPushOptions, deps: ProcessPushDeps): Promise<PushOutcome> {
  // Validation frames the message once; channel messages get their seq inserted into that frame here,
  // before any delivery or fan-out batch.
  const validation = await withSeq(validateDetail(event), deps.sequencer);
  if (!validation.ok) {
    const { code, reason } = validation.error;
    const eventId = typeof (event as { id?: unknown } | null)?.id === 'string' ? (event as { id: string }).id : undefined;
    deps.logger.warn('invalid push event sent to the dead-letter queue', { eventId, code, reason });
    await deps.deadLetter.send({ reason, code, event });
    return { status: 'rejected', code, reason };
  }
  const { push } = validation;
  // Encoded once, and carried as is by every post and every fan-out batch.
  const payload = push.frame.bytes;
  const outcome = await fanOut(
    without(deps.store.audience(push.audience), push.excludeConnectionId),
    push.eventId,
    payload,
    {
      ...options,
      threshold: options.fanoutThreshold ?? DEFAULT_FANOUT_THRESHOLD,
      batchSize: options.fanoutBatchSize ?? DEFAULT_FANOUT_BATCH_SIZE,
    },
    { ...deps, queue: deps.fanoutQueue },
  );
  const metrics = deps.metrics ?? noMetrics;
  if (outcome.mode === 'queued') {
    deps.logger.info('push queued for the fan-out workers', {
      eventId: push.eventId,
      audience: push.audience.kind,
      bytes: payload.byteLength,
      connections: outcome.connections,
      batches: outcome.batches,
      durationMs: outcome.durationMs,
    });
    metrics.publish({ delivered: 0, gone: 0, failed: 0, durationMs: outcome.durationMs, queuedBatches: outcome.batches });
    return { status: 'queued', connections: outcome.connections, batches: outcome.batches, durationMs: outcome.durationMs };
  }
  const { report } = outcome;
  metrics.publish(report);
  deps.logger.info('push delivered', {
    eventId: push.eventId,
    audience: push.audience.kind,
    bytes: payload.byteLength,
    delivered: report.delivered,
    gone: report.gone,
    failed: report.failed,
    durationMs: report.durationMs,
  });
  return { status: 'delivered', report };
}

/** The audience's pages without one connection (a publishing client that asked for no echo). */
async function* without(pages: AsyncIterable<readonly string[]>, excluded: string | undefined): AsyncGenerator<readonly string[]> {
  for await (const page of pages) yield excluded === undefined ? page : page.filter((id) => id !== excluded);
}
