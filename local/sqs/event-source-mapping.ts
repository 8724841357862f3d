import { LOCAL_REGION } from '../aws-wire';
import type { SqsMessageAttributeValue } from './md5';

/** One record of the Lambda SQS event (`aws-lambda`'s `SQSRecord`). */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** The event Lambda passes to a function triggered by SQS. */
export interface SqsEvent {
  Records: SqsEventRecord[];
}

/** What an invocation reports; structurally the result of `LambdaRuntime.invoke`. */
export type ConsumerInvokeResult =
  | { ok: true; result: unknown }
  | { ok: false; errorType: string; errorMessage: string };

/** Options of an event source mapping (`AWS::Lambda::EventSourceMapping` on a queue). */
export interface SqsConsumerOptions {
  readonly queueArn: string;
  /** Most records per invocation. @default 10 */
  readonly batchSize?: number;
  /** Seconds to gather records before invoking (needed for batches over 10). @default 0 */
  readonly maxBatchingWindowSeconds?: number;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']`: honour `{batchItemFailures}` answers. */
  readonly reportBatchItemFailures: boolean;
  /** Concurrent pollers/invocations (`ScalingConfig.MaximumConcurrency`). @default 5 */
  readonly maxConcurrency?: number;
  /** Long-poll wait of each receive (seconds). @default 20 */
  readonly waitTimeSeconds?: number;
  /** Invokes the function; a rejection counts as a failed invocation. */
  invoke(event: SqsEvent): Promise<ConsumerInvokeResult>;
}

/** The SQS API the mapping polls through (the same operations Lambda's pollers call). */
export interface SqsApi {
  /** `ReceiveMessage`; a long poll ends early once `cancelled()` turns true and `wake()` is called. */
  receive(input: Record<string, unknown>, cancelled: () => boolean): Promise<unknown>;
  call(operation: string, input: Record<string, unknown>): Promise<unknown>;
  /** Wakes this queue's long polls (so a stopping mapping does not wait for its poll to time out). */
  wake(): void;
  readonly queueUrl: string;
  readonly log: (line: string) => void;
  onStop(mapping: SqsEventSourceMapping): void;
}

interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, SqsMessageAttributeValue>;
  MD5OfMessageAttributes?: string;
}

/**
 * A Lambda event source mapping on an SQS queue: pollers long-poll the queue, gather a batch (up to `batchSize`
 * or the batching window), invoke the function, and delete the messages that succeeded. Failed messages are left
 * alone, so they reappear after the visibility timeout (and reach the dead-letter queue after `maxReceiveCount`).
 * With `reportBatchItemFailures`, the function's `{batchItemFailures:[{itemIdentifier}]}` selects the failures;
 * a malformed answer fails the whole batch, as Lambda does.
 */
export class SqsEventSourceMapping {
  private running = false;
  private pollers: Promise<void>[] = [];
  /** Invocations made so far (for observability and tests). */
  invocations = 0;

  constructor(
    private readonly options: SqsConsumerOptions,
    private readonly api: SqsApi,
  ) {}

  /** Starts the pollers. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const n = Math.max(1, this.options.maxConcurrency ?? 5);
    this.pollers = Array.from({ length: n }, () => this.poll());
  }

  /** Stops polling and waits for in-flight invocations to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.api.onStop(this);
    this.api.wake();
    await Promise.all(this.pollers);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.gather();
        if (!batch.length) continue;
        if (!this.running) return; // not deleted: they come back after the visibility timeout
        await this.process(batch);
      } catch (err) {
        this.api.log(`SQS event source ${this.options.queueArn}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async receive(max: number, waitSeconds: number): Promise<ReceivedMessage[]> {
    const out = (await this.api.receive({
      QueueUrl: this.api.queueUrl,
      MaxNumberOfMessages: Math.min(10, max),
      WaitTimeSeconds: waitSeconds,
      AttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }, () => !this.running)) as { Messages?: ReceivedMessage[] };
    return out.Messages ?? [];
  }

  private async gather(): Promise<ReceivedMessage[]> {
    const batchSize = Math.max(1, this.options.batchSize ?? 10);
    const windowMs = (this.options.maxBatchingWindowSeconds ?? 0) * 1000;
    const batch = await this.receive(batchSize, this.options.waitTimeSeconds ?? 20);
    if (!batch.length || windowMs <= 0) return batch;
    const until = Date.now() + windowMs;
    while (this.running && batch.length < batchSize && Date.now() < until) {
      const waitSeconds = Math.max(0, Math.min(20, Math.floor((until - Date.now()) / 1000)));
      const more = await this.receive(batchSize - batch.length, waitSeconds);
      batch.push(...more);
      if (!more.length && waitSeconds === 0) await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, until - Date.now()))));
    }
    return batch;
  }

  private async process(batch: ReceivedMessage[]): Promise<void> {
    const event: SqsEvent = { Records: batch.map((m) => this.toRecord(m)) };
    this.invocations++;
    let outcome: ConsumerInvokeResult;
    try {
      outcome = await this.options.invoke(event);
    } catch (err) {
      outcome = { ok: false, errorType: 'InvokeFailed', errorMessage: (err as Error).message };
    }
    let failedIds: Set<string>;
    if (!outcome.ok) {
      failedIds = new Set(batch.map((m) => m.MessageId));
      this.api.log(`SQS event source ${this.queueName}: invocation failed (${outcome.errorType}: ${outcome.errorMessage}); ${batch.length} message(s) will be retried`);
    } else if (this.options.reportBatchItemFailures) {
      failedIds = partialFailures(outcome.result, batch.map((m) => m.MessageId));
    } else {
      failedIds = new Set();
    }
    const done = batch.filter((m) => !failedIds.has(m.MessageId));
    for (let i = 0; i < done.length; i += 10) {
      await this.api.call('DeleteMessageBatch', {
        QueueUrl: this.api.queueUrl,
        Entries: done.slice(i, i + 10).map((m, j) => ({ Id: `m${i + j}`, ReceiptHandle: m.ReceiptHandle })),
      });
    }
  }

  private get queueName(): string {
    return this.options.queueArn.split(':').pop() ?? this.options.queueArn;
  }

  private toRecord(m: ReceivedMessage): SqsEventRecord {
    const messageAttributes: SqsEventRecord['messageAttributes'] = {};
    for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
      messageAttributes[name] = {
        ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
        ...(v.BinaryValue !== undefined ? { binaryValue: v.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: v.DataType,
      };
    }
    const record: SqsEventRecord = {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes,
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: LOCAL_REGION,
    };
    if (m.MD5OfMessageAttributes) record.md5OfMessageAttributes = m.MD5OfMessageAttributes;
    return record;
  }
}

/**
 * Which messages failed, per Lambda's partial batch response rules: a null/empty response or an empty/null
 * `batchItemFailures` is full success; an entry with a missing, empty or unknown `itemIdentifier`, or a
 * response that is not an object, fails the whole batch.
 */
export function partialFailures(result: unknown, batchIds: readonly string[]): Set<string> {
  const all = new Set(batchIds);
  if (result === null || result === undefined || result === '') return new Set();
  if (typeof result !== 'object' || Array.isArray(result)) return all;
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}
