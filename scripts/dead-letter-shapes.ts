/**
 * The three kinds of message the push dead-letter queue holds, told apart and summed up in one line each:
 * - EventBridge could not deliver the event to the push function: the body is the event itself, the
 *   reason is in the message attributes `ERROR_CODE`, `ERROR_MESSAGE`, `RULE_ARN`, `TARGET_ARN` and
 *   `EXHAUSTED_RETRY_CONDITION` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
 * - the push function kept failing on it: Lambda's on-failure record, `{version, timestamp, requestContext:
 *   {condition, approximateInvokeCount, functionArn}, requestPayload: <the event>, responsePayload: {errorType,
 *   errorMessage}}` (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
 * - the push function refused it as invalid: `{reason, code, event}` (lambdas/adapters/dead-letter.ts).
 * The first two can be redriven (the event put back on the bus); an invalid event would be refused again.
 */

/** An SQS message as ReceiveMessage returns it (the parts read here). */
export interface DeadLetterMessage {
  readonly MessageId?: string;
  readonly Body?: string;
  readonly MessageAttributes?: Readonly<Record<string, { readonly StringValue?: string }>>;
}

/** The EventBridge event a message carries (the fields PutEvents needs to send it again). */
export interface DeadEvent {
  readonly id?: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
  readonly resources?: readonly string[];
  readonly time?: string;
}

/** What a message is, in one readable line, and the event to redrive when it can be. */
export interface DescribedDeadLetter {
  readonly kind: 'delivery-failure' | 'function-failure' | 'invalid-event' | 'unknown';
  readonly line: string;
  readonly event?: DeadEvent;
}

const isEvent = (v: unknown): v is DeadEvent =>
  typeof v === 'object' && v !== null && typeof (v as DeadEvent).source === 'string' && typeof (v as DeadEvent)['detail-type'] === 'string';

/** A short view of what the event was for: its audience (channel, user, connection or broadcast). */
function audienceOf(event: unknown): string {
  const d = (isEvent(event) ? event.detail : undefined) as Record<string, unknown> | undefined;
  if (!d || typeof d !== 'object') return 'no detail';
  if (d.channel !== undefined) return `channel ${String(d.channel)}`;
  if (d.userId !== undefined) return `user ${String(d.userId)}`;
  if (d.connectionId !== undefined) return `connection ${String(d.connectionId)}`;
  if (d.broadcast === true) return 'broadcast';
  return 'no audience';
}

/** Tells the kind of a dead-letter message and sums it up. */
export function describeDeadLetter(message: DeadLetterMessage): DescribedDeadLetter {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return { kind: 'unknown', line: `unknown         ${message.MessageId ?? '?'}: body is not JSON` };
  }
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const b = body as Record<string, any>;
  if (attribute('ERROR_CODE') !== undefined && isEvent(body)) {
    const retry = attribute('EXHAUSTED_RETRY_CONDITION');
    return {
      kind: 'delivery-failure',
      line: `not delivered   event ${body.id ?? '?'} (${audienceOf(body)}): ${attribute('ERROR_CODE')} ${attribute('ERROR_MESSAGE') ?? ''}${retry ? ` [${retry}]` : ''}`.trimEnd(),
      event: body,
    };
  }
  if (b && typeof b.requestContext === 'object' && 'requestPayload' in b) {
    const event = isEvent(b.requestPayload) ? b.requestPayload : undefined;
    const error = b.responsePayload ?? {};
    return {
      kind: 'function-failure',
      line: `function failed event ${event?.id ?? '?'} (${audienceOf(event)}): ${error.errorType ?? 'Error'}: ${error.errorMessage ?? ''} after ${b.requestContext.approximateInvokeCount ?? '?'} attempts [${b.requestContext.condition ?? '?'}]`,
      ...(event ? { event } : {}),
    };
  }
  if (b && typeof b.reason === 'string' && typeof b.code === 'string') {
    return { kind: 'invalid-event', line: `invalid         event ${(b.event as DeadEvent | undefined)?.id ?? '?'} (${audienceOf(b.event)}): ${b.code}: ${b.reason}` };
  }
  return { kind: 'unknown', line: `unknown         ${message.MessageId ?? '?'}: not one of the dead-letter shapes` };
}
