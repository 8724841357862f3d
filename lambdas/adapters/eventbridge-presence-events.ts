import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PRESENCE_DETAIL_TYPES } from '../../shared/events';
import type { PresenceEventSink } from '../core/presence';
import { PublishBusError } from '../core/errors';
import { STACK_EVENT_SOURCE } from './eventbridge-push-bus';

/** Puts `PresenceMemberAdded` / `PresenceMemberRemoved` on the stack's bus (one PutEvents entry each). */
export class EventBridgePresenceEvents implements PresenceEventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async emit(kind: 'added' | 'removed', detail: { channel: string; userId: string; connectionId: string; info?: unknown }): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [{
          EventBusName: this.eventBusName,
          Source: STACK_EVENT_SOURCE,
          DetailType: kind === 'added' ? PRESENCE_DETAIL_TYPES.memberAdded : PRESENCE_DETAIL_TYPES.memberRemoved,
          Detail: JSON.stringify(detail),
        }],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) throw new PublishBusError(`PutEvents refused the presence event: ${out.Entries?.[0]?.ErrorCode ?? ''}`);
  }
}
