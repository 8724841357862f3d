import { AwsServiceError, LOCAL_ACCOUNT, type AwsJsonService } from '../aws-wire';
import { queueArn, queueNameOf, queueUrl } from './addresses';
import { DEFAULT_PORTS } from '../http/default-ports';
import { sqsError, sqsQueryCode, type SqsErrorShape } from './errors';
import { md5OfMessageAttributes, type SqsMessageAttributeValue } from './md5';
import { SqsQueue, type Delivery, type RedrivePolicy, type StoredMessage } from './queue';
import { SqsEventSourceMapping, type SqsConsumerOptions } from './event-source-mapping';
import {
  attributeSelected,
  hasOnlyValidCharacters,
  optionalInt,
  optionalStringList,
  requireString,
  validateMessageAttributes,
} from './validate';

/** Options of `LocalSqs`. */
export interface LocalSqsOptions {
  /** Base URL of the AWS endpoint the queues are reached on, used in queue URLs. @default 'http://127.0.0.1:3002' */
  readonly endpointUrl?: string;
  /** Milliseconds between two `PurgeQueue` calls on a queue (SQS allows one every 60 s). @default 60000 */
  readonly purgeCooldownMs?: number;
  /** Readable log lines (never payloads). @default no logging */
  readonly log?: (line: string) => void;
  /** Clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Told of every message a queue receives (sent, or moved by a redrive policy). @default nothing */
  readonly onMessage?: (queueName: string, message: StoredMessage) => void;
}

/** A queue declared by the template (`AWS::SQS::Queue`). */
export interface QueueDefinition {
  readonly name: string;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 345600 (4 days) */
  readonly messageRetentionPeriodSeconds?: number;
  /** @default 0 */
  readonly delaySeconds?: number;
  /** @default 0 */
  readonly receiveMessageWaitTimeSeconds?: number;
  readonly redrivePolicy?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
}

const DEFAULT_ATTRIBUTES: Readonly<Record<string, string>> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};
const INTEGER_ATTRIBUTES: Readonly<Record<string, [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};
const FREE_ATTRIBUTES = new Set(['Policy', 'KmsMasterKeyId', 'SqsManagedSseEnabled', 'RedriveAllowPolicy']);
const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];
const SYSTEM_ATTRIBUTES = ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SentTimestamp', 'SenderId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn'];
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_BATCH_BYTES = 1048576;

/**
 * Amazon SQS (standard queues) behind the AWS endpoint, in SQS's JSON protocol (`AmazonSQS.*`, as the AWS SDK v3
 * and the AWS CLI speak it): queues with visibility timeouts, delays, long polling, redrive to a dead-letter
 * queue, and the MD5 digests the SDK verifies. Also runs Lambda event source mappings (`attachConsumer`).
 */
export class LocalSqs implements AwsJsonService {
  /** `X-Amz-Target` prefix of SQS's JSON protocol. */
  readonly targetPrefix = 'AmazonSQS';
  private readonly queues = new Map<string, SqsQueue>();
  private readonly consumers = new Set<SqsEventSourceMapping>();
  private readonly endpointUrl: string;
  private stopped = false;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LocalSqsOptions = {}) {
    this.endpointUrl = options.endpointUrl ?? `http://127.0.0.1:${DEFAULT_PORTS.aws}`;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  /** Accepts requests again after `stop` (state is kept). */
  async start(): Promise<void> {
    this.stopped = false;
  }

  /** Ends every consumer's polling and answers pending long polls (empty). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) q.notify();
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
  }

  /** URL of a queue by name (whether or not it exists). */
  queueUrl(name: string): string {
    return queueUrl(this.endpointUrl, name);
  }

  /** The messages a queue holds now (visible or not), oldest first, without receiving them. */
  peek(name: string): readonly StoredMessage[] {
    return [...(this.queues.get(name)?.messages ?? [])];
  }

  /** Deletes one message by id (the console's redrive); false if the queue does not hold it. */
  removeMessage(name: string, messageId: string): boolean {
    const queue = this.queues.get(name);
    const message = queue?.find(messageId);
    if (!queue || !message) return false;
    queue.remove(message);
    return true;
  }

  /** ARN of a queue by name. */
  static queueArn(name: string): string {
    return queueArn(name);
  }

  /** Creates a queue from the template (idempotent by name: an existing queue gets these attributes). */
  addQueue(def: QueueDefinition): { url: string; arn: string } {
    const attributes: Record<string, string> = {};
    if (def.visibilityTimeoutSeconds !== undefined) attributes.VisibilityTimeout = String(def.visibilityTimeoutSeconds);
    if (def.messageRetentionPeriodSeconds !== undefined) attributes.MessageRetentionPeriod = String(def.messageRetentionPeriodSeconds);
    if (def.delaySeconds !== undefined) attributes.DelaySeconds = String(def.delaySeconds);
    if (def.receiveMessageWaitTimeSeconds !== undefined) attributes.ReceiveMessageWaitTimeSeconds = String(def.receiveMessageWaitTimeSeconds);
    if (def.redrivePolicy) attributes.RedrivePolicy = JSON.stringify(def.redrivePolicy);
    const checked = this.checkAttributes(attributes, false);
    const existing = this.queues.get(def.name);
    if (existing) {
      this.applyAttributes(existing, checked);
    } else {
      this.createQueue(def.name, checked);
    }
    return { url: this.queueUrl(def.name), arn: LocalSqs.queueArn(def.name) };
  }

  /**
   * Starts a Lambda event source mapping on a queue: polls it, invokes with the Lambda SQS event, deletes what
   * succeeded. Stopped by the returned mapping's `stop()` or by `LocalSqs.stop()`.
   */
  attachConsumer(options: SqsConsumerOptions): SqsEventSourceMapping {
    const name = queueNameOf(options.queueArn);
    const mapping = new SqsEventSourceMapping(options, {
      receive: (input, cancelled) => this.opReceiveMessage(input, cancelled),
      call: (operation, input) => this.handle(operation, input),
      wake: () => this.queues.get(name)?.notify(),
      queueUrl: this.queueUrl(name),
      log: this.log,
      onStop: (m) => this.consumers.delete(m),
    });
    this.consumers.add(mapping);
    mapping.start();
    return mapping;
  }

  /** Runs one SQS operation (the AWS endpoint calls this). */
  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateQueue': return this.opCreateQueue(input);
      case 'GetQueueUrl': return this.opGetQueueUrl(input);
      case 'ListQueues': return this.opListQueues(input);
      case 'DeleteQueue': return this.opDeleteQueue(input);
      case 'GetQueueAttributes': return this.opGetQueueAttributes(input);
      case 'SetQueueAttributes': return this.opSetQueueAttributes(input);
      case 'SendMessage': return this.opSendMessage(input);
      case 'SendMessageBatch': return this.opSendMessageBatch(input);
      case 'ReceiveMessage': return this.opReceiveMessage(input);
      case 'DeleteMessage': return this.opDeleteMessage(input);
      case 'DeleteMessageBatch': return this.opDeleteMessageBatch(input);
      case 'ChangeMessageVisibility': return this.opChangeMessageVisibility(input);
      case 'ChangeMessageVisibilityBatch': return this.opChangeMessageVisibilityBatch(input);
      case 'PurgeQueue': return this.opPurgeQueue(input);
      default:
        throw new AwsServiceError('UnknownOperationException', `The local SQS does not implement ${operation}`, 400, {
          queryError: 'InvalidAction;Sender',
        });
    }
  }

  // ---- queues ----

  private opCreateQueue(input: Record<string, unknown>): unknown {
    const name = requireString(input, 'QueueName');
    if (!QUEUE_NAME.test(name)) {
      throw sqsError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const attributes = this.checkAttributes(stringMap(input.Attributes, 'Attributes'), true);
    const existing = this.queues.get(name);
    if (existing) {
      const differing = Object.entries(attributes).filter(([k, v]) => (existing.attributes[k] ?? DEFAULT_ATTRIBUTES[k]) !== v);
      if (differing.length) {
        throw sqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${differing[0][0]}`);
      }
    } else {
      this.createQueue(name, attributes);
    }
    return { QueueUrl: this.queueUrl(name) };
  }

  private opGetQueueUrl(input: Record<string, unknown>): unknown {
    const name = requireString(input, 'QueueName');
    if (!this.queues.has(name)) throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    return { QueueUrl: this.queueUrl(name) };
  }

  private opListQueues(input: Record<string, unknown>): unknown {
    const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
    const max = optionalInt(input, 'MaxResults', 1, 1000);
    const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) || 0 : 0;
    const names = [...this.queues.keys()].filter((n) => n.startsWith(prefix)).sort();
    const page = names.slice(start, start + (max ?? 1000));
    const result: Record<string, unknown> = {};
    if (page.length) result.QueueUrls = page.map((n) => this.queueUrl(n));
    if (max !== undefined && start + max < names.length) result.NextToken = Buffer.from(String(start + max)).toString('base64');
    return result;
  }

  private opDeleteQueue(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    this.queues.delete(queue.name);
    queue.notify();
    this.log(`SQS queue ${queue.name} deleted`);
    return {};
  }

  private opGetQueueAttributes(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const requested = optionalStringList(input, 'AttributeNames');
    const all = this.queueAttributes(queue);
    const known = new Set([...Object.keys(INTEGER_ATTRIBUTES), ...FREE_ATTRIBUTES, 'RedrivePolicy', ...COMPUTED_ATTRIBUTES]);
    const out: Record<string, string> = {};
    for (const name of requested) {
      if (name === 'All') Object.assign(out, all);
      else if (!known.has(name)) throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      else if (all[name] !== undefined) out[name] = all[name];
    }
    return Object.keys(out).length ? { Attributes: out } : {};
  }

  private opSetQueueAttributes(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    this.applyAttributes(queue, this.checkAttributes(stringMap(input.Attributes, 'Attributes'), true));
    return {};
  }

  private opPurgeQueue(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const now = this.now();
    if (now - queue.lastPurgeAt < (this.options.purgeCooldownMs ?? 60_000)) {
      throw sqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`);
    }
    queue.lastPurgeAt = now;
    queue.messages.splice(0, queue.messages.length);
    return {};
  }

  // ---- messages ----

  private opSendMessage(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const entry = this.prepareMessage(queue, input);
    const message = queue.add(entry, this.now(), LOCAL_ACCOUNT);
    return sendResult(message);
  }

  private opSendMessageBatch(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const entries = this.batchEntries(input, 'SendMessageBatchRequestEntry');
    const total = entries.reduce((n, e) => n + (typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody) : 0), 0);
    if (total > MAX_BATCH_BYTES) {
      throw sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`);
    }
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const e of entries) {
      try {
        const message = queue.add(this.prepareMessage(queue, e), this.now(), LOCAL_ACCOUNT);
        Successful.push({ Id: e.Id, ...sendResult(message) });
      } catch (err) {
        Failed.push(batchFailure(e.Id as string, err));
      }
    }
    return { Successful, Failed };
  }

  private async opReceiveMessage(input: Record<string, unknown>, cancelled: () => boolean = () => false): Promise<unknown> {
    let queue = this.queueFromInput(input);
    const max = optionalInt(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = optionalInt(input, 'VisibilityTimeout', 0, 43200) ?? queue.visibilityTimeoutSeconds;
    const wait = optionalInt(input, 'WaitTimeSeconds', 0, 20) ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds);
    const systemNames = [...optionalStringList(input, 'AttributeNames'), ...optionalStringList(input, 'MessageSystemAttributeNames')];
    const attributeNames = optionalStringList(input, 'MessageAttributeNames');
    const deadline = this.now() + wait * 1000;
    for (;;) {
      const deliveries = this.take(queue, max, visibility);
      if (deliveries.length || this.now() >= deadline || this.stopped || cancelled()) {
        return deliveries.length ? { Messages: deliveries.map((d) => this.renderMessage(queue, d, systemNames, attributeNames)) } : {};
      }
      await queue.waitForChange(deadline, this.now);
      const current = this.queues.get(queue.name);
      if (!current) return {};
      queue = current;
    }
  }

  private opDeleteMessage(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    this.deleteByHandle(queue, requireString(input, 'ReceiptHandle'));
    return {};
  }

  private opDeleteMessageBatch(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const entries = this.batchEntries(input, 'DeleteMessageBatchRequestEntry');
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const e of entries) {
      try {
        this.deleteByHandle(queue, requireString(e, 'ReceiptHandle'));
        Successful.push({ Id: e.Id });
      } catch (err) {
        Failed.push(batchFailure(e.Id as string, err));
      }
    }
    return { Successful, Failed };
  }

  private opChangeMessageVisibility(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const timeout = optionalInt(input, 'VisibilityTimeout', 0, 43200);
    if (timeout === undefined) throw sqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
    this.changeVisibility(queue, requireString(input, 'ReceiptHandle'), timeout);
    return {};
  }

  private opChangeMessageVisibilityBatch(input: Record<string, unknown>): unknown {
    const queue = this.queueFromInput(input);
    const entries = this.batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry');
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const e of entries) {
      try {
        const timeout = optionalInt(e, 'VisibilityTimeout', 0, 43200);
        if (timeout === undefined) throw sqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
        this.changeVisibility(queue, requireString(e, 'ReceiptHandle'), timeout);
        Successful.push({ Id: e.Id });
      } catch (err) {
        Failed.push(batchFailure(e.Id as string, err));
      }
    }
    return { Successful, Failed };
  }

  // ---- helpers ----

  private createQueue(name: string, attributes: Record<string, string>): SqsQueue {
    const now = this.now();
    const onAdd = this.options.onMessage && ((m: StoredMessage) => this.options.onMessage!(name, m));
    const queue = new SqsQueue(name, () => this.queueUrl(name), LocalSqs.queueArn(name), { ...DEFAULT_ATTRIBUTES }, now, onAdd);
    queue.attributes.CreatedTimestamp = String(Math.floor(now / 1000));
    this.applyAttributes(queue, attributes);
    this.queues.set(name, queue);
    this.log(`SQS queue ${name} created`);
    return queue;
  }

  private applyAttributes(queue: SqsQueue, attributes: Record<string, string>): void {
    for (const [k, v] of Object.entries(attributes)) {
      if (k === 'RedrivePolicy') {
        if (v === '') {
          delete queue.attributes.RedrivePolicy;
          queue.redrivePolicy = undefined;
        } else {
          queue.redrivePolicy = JSON.parse(v) as RedrivePolicy;
          queue.attributes.RedrivePolicy = v;
        }
      } else queue.attributes[k] = v;
    }
    queue.attributes.LastModifiedTimestamp = String(Math.floor(this.now() / 1000));
    queue.notify();
  }

  /** Validates queue attributes; normalizes `RedrivePolicy`. `checkTarget`: the dead-letter queue must exist. */
  private checkAttributes(attributes: Record<string, string>, checkTarget: boolean): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(attributes)) {
      if (name in INTEGER_ATTRIBUTES) {
        const [min, max] = INTEGER_ATTRIBUTES[name];
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < min || n > max) {
          throw sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
        }
        out[name] = String(n);
      } else if (name === 'RedrivePolicy') {
        out[name] = value === '' ? '' : this.checkRedrivePolicy(value, checkTarget);
      } else if (name === 'FifoQueue' || name === 'ContentBasedDeduplication' || name === 'DeduplicationScope' || name === 'FifoThroughputLimit') {
        throw sqsError('UnsupportedOperation', `FIFO queues (${name}) are not supported by the local cloud.`);
      } else if (FREE_ATTRIBUTES.has(name)) {
        out[name] = value;
      } else {
        throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    return out;
  }

  private checkRedrivePolicy(value: string, checkTarget: boolean): string {
    let parsed: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    try {
      parsed = JSON.parse(value) as typeof parsed;
    } catch {
      throw sqsError('InvalidAttributeValue', `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for the parameter RedrivePolicy.`);
    }
    const max = Number(parsed.maxReceiveCount);
    const arn = parsed.deadLetterTargetArn;
    if (typeof arn !== 'string' || !Number.isInteger(max) || max < 1 || max > 1000) {
      throw sqsError('InvalidAttributeValue', `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy needs deadLetterTargetArn and maxReceiveCount (1-1000).`);
    }
    if (checkTarget && !this.queues.has(queueNameOf(arn))) {
      throw sqsError('InvalidAttributeValue', `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
    }
    return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: max });
  }

  private queueAttributes(queue: SqsQueue): Record<string, string> {
    const counts = queue.counts(this.now());
    return {
      ...queue.attributes,
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    };
  }

  private queueFromInput(input: Record<string, unknown>): SqsQueue {
    const url = requireString(input, 'QueueUrl');
    const parts = url.replace(/\/+$/, '').split('/');
    const name = parts[parts.length - 1];
    const account = parts[parts.length - 2];
    const queue = this.queues.get(name);
    if (!queue || (account !== undefined && /^\d{12}$/.test(account) && account !== LOCAL_ACCOUNT)) {
      throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    }
    return queue;
  }

  private prepareMessage(queue: SqsQueue, input: Record<string, unknown>) {
    const body = input.MessageBody;
    if (typeof body !== 'string' || body.length === 0) {
      throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    if (!hasOnlyValidCharacters(body)) {
      throw sqsError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
    }
    const { attributes, size } = validateMessageAttributes(input.MessageAttributes);
    const maxSize = Number(queue.attributes.MaximumMessageSize);
    if (Buffer.byteLength(body, 'utf8') + size > maxSize) {
      throw sqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`);
    }
    const delaySeconds = optionalInt(input, 'DelaySeconds', 0, 900);
    const systemAttributes: Record<string, string> = {};
    const trace = (input.MessageSystemAttributes as Record<string, SqsMessageAttributeValue> | undefined)?.AWSTraceHeader;
    if (trace?.StringValue) systemAttributes.AWSTraceHeader = trace.StringValue;
    return { body, attributes, delaySeconds, systemAttributes };
  }

  private batchEntries(input: Record<string, unknown>, entryName: string): Array<Record<string, unknown>> {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw sqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
    }
    if (entries.length > 10) {
      throw sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
    }
    const seen = new Set<string>();
    for (const e of entries as Array<Record<string, unknown>>) {
      if (typeof e?.Id !== 'string' || !BATCH_ID.test(e.Id)) {
        throw sqsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
      }
      if (seen.has(e.Id)) throw sqsError('BatchEntryIdsNotDistinct', `Id ${e.Id} repeated.`);
      seen.add(e.Id);
    }
    return entries as Array<Record<string, unknown>>;
  }

  /** Receives up to `max` visible messages, moving those past `maxReceiveCount` to the dead-letter queue. */
  private take(queue: SqsQueue, max: number, visibility: number): Delivery[] {
    const now = this.now();
    queue.expire(now);
    const deliveries: Delivery[] = [];
    for (const message of queue.visible(now)) {
      if (deliveries.length >= max) break;
      const policy = queue.redrivePolicy;
      if (policy && message.receiveCount >= policy.maxReceiveCount) {
        const dlq = this.queues.get(queueNameOf(policy.deadLetterTargetArn));
        if (dlq) {
          queue.remove(message);
          dlq.add(
            { body: message.body, attributes: message.attributes, delaySeconds: 0, systemAttributes: { ...message.systemAttributes, DeadLetterQueueSourceArn: queue.arn } },
            now,
            message.senderId,
            { messageId: message.messageId, sentTimestamp: message.sentTimestamp },
          );
          this.log(`SQS message ${message.messageId} moved from ${queue.name} to ${dlq.name} after ${message.receiveCount} receives`);
          continue;
        }
      }
      deliveries.push(queue.deliver(message, now, visibility));
    }
    return deliveries;
  }

  private renderMessage(queue: SqsQueue, d: Delivery, systemNames: string[], attributeNames: string[]): Record<string, unknown> {
    const m = d.message;
    const out: Record<string, unknown> = {
      MessageId: m.messageId,
      ReceiptHandle: encodeHandle(queue.name, m.messageId, d.nonce),
      MD5OfBody: m.md5OfBody,
      Body: m.body,
    };
    const system: Record<string, string> = {
      SenderId: m.senderId,
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp),
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentTimestamp),
      ...m.systemAttributes,
    };
    const wantAll = systemNames.includes('All');
    const attrs: Record<string, string> = {};
    for (const name of SYSTEM_ATTRIBUTES) {
      if ((wantAll || systemNames.includes(name)) && system[name] !== undefined) attrs[name] = system[name];
    }
    if (Object.keys(attrs).length) out.Attributes = attrs;
    const selected: Record<string, SqsMessageAttributeValue> = {};
    for (const [name, value] of Object.entries(m.attributes)) {
      if (attributeSelected(name, attributeNames)) selected[name] = value;
    }
    if (Object.keys(selected).length) {
      out.MessageAttributes = selected;
      out.MD5OfMessageAttributes = md5OfMessageAttributes(selected);
    }
    return out;
  }

  private resolveHandle(queue: SqsQueue, handle: string): { message?: StoredMessage; current: boolean } {
    const decoded = decodeHandle(handle);
    if (!decoded || decoded.queue !== queue.name) {
      throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    }
    const message = queue.find(decoded.messageId);
    return { message, current: !!message && message.receiptNonce === decoded.nonce };
  }

  private deleteByHandle(queue: SqsQueue, handle: string): void {
    const { message, current } = this.resolveHandle(queue, handle);
    // A stale receipt handle (the message was received again since) succeeds without deleting, as SQS documents.
    if (message && current) queue.remove(message);
  }

  private changeVisibility(queue: SqsQueue, handle: string, timeout: number): void {
    const { message, current } = this.resolveHandle(queue, handle);
    if (!message) {
      throw sqsError('InvalidParameterValue', `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    }
    const now = this.now();
    if (!current || !message.inFlight || message.visibleAt <= now) {
      throw sqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
    }
    message.visibleAt = now + timeout * 1000;
    if (timeout === 0) message.inFlight = false;
    queue.notify();
  }
}

function sendResult(message: StoredMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
  const md5 = md5OfMessageAttributes(message.attributes);
  if (md5) out.MD5OfMessageAttributes = md5;
  return out;
}

function batchFailure(id: string, err: unknown): Record<string, unknown> {
  if (err instanceof AwsServiceError) {
    const shape = err.type.split('#').pop() as SqsErrorShape;
    let code: string = shape;
    try {
      code = sqsQueryCode(shape);
    } catch {
      /* not an SQS shape */
    }
    return { Id: id, SenderFault: true, Code: code, Message: err.message };
  }
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: (err as Error).message };
}

function stringMap(raw: unknown, name: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
    throw sqsError('InvalidParameterValue', `${name} must be a map of strings.`);
  }
  return raw as Record<string, string>;
}

function encodeHandle(queue: string, messageId: string, nonce: string): string {
  return Buffer.from(JSON.stringify([queue, messageId, nonce]), 'utf8').toString('base64');
}

function decodeHandle(handle: string): { queue: string; messageId: string; nonce: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((x) => typeof x === 'string')) {
      return { queue: parsed[0], messageId: parsed[1], nonce: parsed[2] };
    }
  } catch {
    /* fall through */
  }
  return undefined;
}
