import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import type { ClientPublishDetail, PushBus } from '../core/client-publish';
import { PublishBusError } from '../core/errors';

/** `source` of the events the stack's own functions put on the bus. */
export const STACK_EVENT_SOURCE = 'websocket-push';

/** Puts client publishes on the stack's bus as `WebSocketPush` events (one PutEvents entry each). */
export class EventBridgePushBus implements PushBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async put(detail: ClientPublishDetail): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.eventBusName, Source: STACK_EVENT_SOURCE, DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify(detail) }],
      }),
    );
    // PutEvents answers 200 with per-entry errors: a failed entry is only visible here.
    const entry = out.Entries?.[0];
    if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      throw new PublishBusError(`PutEvents refused the entry: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
