import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterSink } from '../core/dead-letter-sink';
import { DeadLetterError } from '../core/errors';

/** Message attribute names of a dead-lettered event. */
export const DEAD_LETTER_ATTRIBUTES = { reason: 'reason', code: 'code' } as const;

/** SQS message attribute values are limited; the reason is short, but never let it fail the send. */
const MAX_ATTRIBUTE_CHARS = 1024;

/**
 * Sends invalid events to an SQS dead-letter queue: the body is `{reason, code, event}`, and the reason
 * and code are also message attributes, so they show without parsing the body.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async send(entry: { reason: string; code: string; event: unknown }): Promise<void> {
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify({ reason: entry.reason, code: entry.code, event: entry.event }),
          MessageAttributes: {
            [DEAD_LETTER_ATTRIBUTES.reason]: { DataType: 'String', StringValue: entry.reason.slice(0, MAX_ATTRIBUTE_CHARS) },
            [DEAD_LETTER_ATTRIBUTES.code]: { DataType: 'String', StringValue: entry.code },
          },
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new DeadLetterError(`Sending the invalid event to the dead-letter queue failed (${name})`, { cause: error });
    }
  }
}
