import type { ConnectionStore } from './connection-store';
import type { DeadLetterSink } from './dead-letter-sink';
import { deliver, type DeliverDeps, type DeliverOptions, type DeliveryReport } from './deliver';
import type { Logger } from './logger';
import type { Publisher } from './publisher';
import { validateDetail } from './validate-detail';

/** Collaborators of {@link processPush}. */
export interface ProcessPushDeps extends Omit<DeliverDeps, 'store' | 'publisher'> {
  readonly store: ConnectionStore;
  readonly publisher: Publisher;
  readonly deadLetter: DeadLetterSink;
}

export type PushOutcome =
  | { readonly status: 'delivered'; readonly report: DeliveryReport }
  | { readonly status: 'rejected'; readonly code: string; readonly reason: string };

/**
 * Validates an EventBridge push event and delivers it to its audience. An invalid event is a permanent
 * failure: it goes to the dead-letter sink with its reason and the call returns normally. Errors of the
 * dead-letter sink or of the store propagate, so that the caller (Lambda's async invocation) retries.
 */
export async function processPush(event: unknown, options: DeliverOptions, deps: ProcessPushDeps): Promise<PushOutcome> {
  const validation = validateDetail(event);
  if (!validation.ok) {
    const { code, reason } = validation.error;
    const eventId = typeof (event as { id?: unknown } | null)?.id === 'string' ? (event as { id: string }).id : undefined;
    deps.logger.warn('invalid push event sent to the dead-letter queue', { eventId, code, reason });
    await deps.deadLetter.send({ reason, code, event });
    return { status: 'rejected', code, reason };
  }
  const { push } = validation;
  const report = await deliver(deps.store.audience(push.audience), push.payload, options, deps);
  deps.logger.info('push delivered', {
    eventId: push.eventId,
    audience: push.audience.kind,
    bytes: push.payload.byteLength,
    delivered: report.delivered,
    gone: report.gone,
    failed: report.failed,
    durationMs: report.durationMs,
  });
  return { status: 'delivered', report };
}
