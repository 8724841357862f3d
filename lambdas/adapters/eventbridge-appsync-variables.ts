import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { APPSYNC_RELAY_DETAIL_TYPE, type AppSyncPushVariables } from '../../shared/appsync';
import { STACK_EVENT_SOURCE } from '../../shared/events';
import type { AppSyncVariablesBus } from '../core/appsync-relay';
import { PublishBusError } from '../core/errors';

/** Puts the push mutation's variables on the stack's bus as `WebSocketPushAppSync` events (one entry each). */
export class EventBridgeAppSyncVariablesBus implements AppSyncVariablesBus {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly eventBusName: string,
  ) {}

  async put(variables: AppSyncPushVariables): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.eventBusName, Source: STACK_EVENT_SOURCE, DetailType: APPSYNC_RELAY_DETAIL_TYPE, Detail: JSON.stringify(variables) }],
      }),
    );
    // PutEvents answers 200 with per-entry errors: a failed entry is only visible here.
    const entry = out.Entries?.[0];
    if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      throw new PublishBusError(`PutEvents refused the AppSync variables: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
