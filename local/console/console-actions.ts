import { AUDIENCE_KEYS, PUSH_DETAIL_TYPE } from '../../shared/events';
import type { StoredMessage } from '../sqs/queue';
import { ConsoleError } from './errors';

/** `source` of the events the console publishes. */
export const CONSOLE_SOURCE = 'local.console';

/** What the console's actions need from the services. */
export interface ConsoleActionTargets {
  /** EventBridge's `PutEvents` (the local service's `handle`). */
  putEvents(input: { Entries: Record<string, unknown>[] }): Promise<unknown>;
  /** The stack's bus that pushes are published on. */
  readonly busName: string;
  peek(queue: string): readonly StoredMessage[];
  removeMessage(queue: string, messageId: string): boolean;
  /** `SendMessage` to a queue by ARN (a redrive policy's source queue). */
  sendMessage(queueArn: string, body: string): Promise<void>;
}

/** An EventBridge event as it sits in a dead-letter queue, found in any of the bodies that carry one. */
interface EventEnvelope {
  source: string;
  'detail-type': string;
  detail: unknown;
}

function isEnvelope(v: unknown): v is EventEnvelope {
  const e = v as Partial<EventEnvelope> | null;
  return !!e && typeof e === 'object' && typeof e.source === 'string' && typeof e['detail-type'] === 'string' && 'detail' in e;
}

/**
 * The event a dead-lettered body carries: EventBridge's dead letter (the event itself), the push function's
 * `{reason, code, event}`, or Lambda's on-failure record (`requestPayload`).
 */
export function eventOf(body: string): EventEnvelope | undefined {
  let value: unknown;
  try { value = JSON.parse(body); } catch { return undefined; }
  if (isEnvelope(value)) return value;
  const wrapped = value as { event?: unknown; requestPayload?: unknown } | null;
  if (isEnvelope(wrapped?.event)) return wrapped.event;
  if (isEnvelope(wrapped?.requestPayload)) return wrapped.requestPayload;
  return undefined;
}

/** The console's actions: publish a push, redrive a dead letter. */
export class ConsoleActions {
  constructor(private readonly targets: ConsoleActionTargets) {}

  /** Publishes a push to an audience (`{channel}`, `{userId}`, `{connectionId}` or `{broadcast: true}`); returns its event id. */
  async publish(input: unknown): Promise<{ eventId: string }> {
    const detail = input as Record<string, unknown> | null;
    if (!detail || typeof detail !== 'object' || !AUDIENCE_KEYS.some((k) => k in detail)) {
      throw new ConsoleError('BadRequest', `a push names one audience (${AUDIENCE_KEYS.join(', ')}) and its data`);
    }
    return { eventId: await this.put({ Source: CONSOLE_SOURCE, DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify(detail) }) };
  }

  /**
   * Sends a dead letter back where it came from and deletes it: a redrive policy's message to its source
   * queue, an event to the bus (with its source, detail-type and detail).
   */
  async redrive(queue: string, messageId: string): Promise<{ to: string; eventId?: string }> {
    const message = this.targets.peek(queue).find((m) => m.messageId === messageId);
    if (!message) throw new ConsoleError('NotFound', `${queue} holds no message ${messageId}`);
    const sourceQueue = message.systemAttributes.DeadLetterQueueSourceArn;
    let result: { to: string; eventId?: string };
    if (sourceQueue) {
      await this.targets.sendMessage(sourceQueue, message.body);
      result = { to: sourceQueue };
    } else {
      const event = eventOf(message.body);
      if (!event) throw new ConsoleError('NotRedrivable', `message ${messageId} carries no event to send back to the bus`);
      const eventId = await this.put({ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) });
      result = { to: this.targets.busName, eventId };
    }
    this.targets.removeMessage(queue, messageId);
    return result;
  }

  private async put(entry: Record<string, unknown>): Promise<string> {
    const answer = await this.targets.putEvents({ Entries: [{ ...entry, EventBusName: this.targets.busName }] }) as
      { Entries: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] };
    const first = answer.Entries[0];
    if (!first?.EventId) throw new ConsoleError('BadRequest', `PutEvents refused the entry: ${first?.ErrorCode ?? ''} ${first?.ErrorMessage ?? ''}`);
    return first.EventId;
  }
}
