import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { STACK_EVENT_SOURCE } from '../../shared/events';
import { StackEventError } from '../core/errors';
import type { StackEventType, StackEvents } from '../core/stack-events';

/**
 * Puts the stack's own events on its bus with `PutEvents`, one entry per call. PutEvents answers 200 even
 * when it refuses an entry, so the entry's own `ErrorCode` is checked.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export class EventBridgeStackEvents implements StackEvents {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly eventBusName: string,
  ) {}

  async put(detailType: StackEventType, detail: object): Promise<void> {
    let answer;
    try {
      answer = await this.client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: this.eventBusName, Source: STACK_EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }],
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new StackEventError(`PutEvents of ${detailType} failed (${name})`, { cause: error });
    }
    const entry = answer.Entries?.[0];
    if (!entry?.EventId || entry.ErrorCode) {
      throw new StackEventError(`PutEvents refused ${detailType}: ${entry?.ErrorCode ?? 'no result entry'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
