import type { LifecycleDetailType } from '../../shared/events';
import { MESSAGE_DETAIL_TYPE, PUSH_DETAIL_TYPE } from '../../shared/events';
import type { APPSYNC_RELAY_DETAIL_TYPE } from '../../shared/appsync';
import { describeError, type Logger } from './logger';

/**
 * Detail types of the events the stack's own functions put on its bus (a client publish is a `WebSocketPush`;
 * the AppSync transport's relay puts the mutation's variables).
 */
export type StackEventType = typeof MESSAGE_DETAIL_TYPE | typeof PUSH_DETAIL_TYPE | typeof APPSYNC_RELAY_DETAIL_TYPE | LifecycleDetailType;

/**
 * Puts the stack's own events (source `websocket-push`) on its bus: one `PutEvents` entry per event.
 * Rejects when the entry was not accepted.
 */
export interface StackEvents {
  put(detailType: StackEventType, detail: object): Promise<void>;
}

/**
 * Puts a lifecycle event best-effort: a failure is logged, never thrown, so that a connection, a
 * subscription or a disconnect never fails because the bus did. Does nothing without `events`.
 */
export async function emitLifecycle<D extends { readonly connectionId: string }>(
  events: StackEvents | undefined,
  detailType: LifecycleDetailType,
  detail: D,
  logger: Logger,
): Promise<void> {
  if (!events) return;
  try {
    await events.put(detailType, detail);
  } catch (error) {
    logger.warn('lifecycle event not put', { connectionId: detail.connectionId, detailType, error: describeError(error) });
  }
}
