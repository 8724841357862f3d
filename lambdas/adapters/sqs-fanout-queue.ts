import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/limits';
import { fullJitterDelay, sleep as realSleep } from '../core/backoff';
import { FanoutQueueError, type FanoutBatch, type FanoutQueue } from '../core/fanout';
import type { FanoutRecord } from '../core/fanout-worker';

/** Message attributes of a fan-out message; the body is the framed payload itself (never re-escaped). */
export const FANOUT_ATTRIBUTES = {
  eventId: 'eventId',
  /** JSON array of connection ids. */
  connectionIds: 'connectionIds',
  /** How many times the ids were re-queued after a partial failure. */
  redeliveries: 'redeliveries',
  /** `base64` when the payload is not text SQS accepts in a body. */
  encoding: 'payloadEncoding',
} as const;

/** SQS's limit of entries per SendMessageBatch. */
const ENTRIES_PER_BATCH = 10;
/** Head-room under SQS_MAX_MESSAGE_BYTES for attribute names and types. */
const SIZE_MARGIN = 1024;

/** Characters SQS accepts in a body (XML 1.0); anything else makes the payload travel as base64. */
const INVALID_SQS_TEXT = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Encodes a batch as a SendMessageBatch entry. */
export function encodeFanoutBatch(batch: FanoutBatch, id: string): SendMessageBatchRequestEntry {
  let body: string;
  let base64 = false;
  try {
    body = utf8.decode(batch.payload);
    base64 = INVALID_SQS_TEXT.test(body) || body.length === 0;
  } catch {
    body = '';
    base64 = true;
  }
  if (base64) body = Buffer.from(batch.payload).toString('base64');
  const attr = (value: string) => ({ DataType: 'String', StringValue: value });
  return {
    Id: id,
    MessageBody: body,
    MessageAttributes: {
      [FANOUT_ATTRIBUTES.eventId]: attr(batch.eventId),
      [FANOUT_ATTRIBUTES.connectionIds]: attr(JSON.stringify(batch.connectionIds)),
      [FANOUT_ATTRIBUTES.redeliveries]: { DataType: 'Number', StringValue: String(batch.redeliveries ?? 0) },
      ...(base64 ? { [FANOUT_ATTRIBUTES.encoding]: attr('base64') } : {}),
    },
  };
}

/** Bytes SQS counts for an entry: the body plus every attribute's name, type and value. */
function entrySize(entry: SendMessageBatchRequestEntry): number {
  let size = Buffer.byteLength(entry.MessageBody ?? '');
  for (const [name, v] of Object.entries(entry.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(v.DataType ?? '') + Buffer.byteLength(v.StringValue ?? '');
  }
  return size;
}

/** Decodes a fan-out message as Lambda delivers it; an unreadable one is reported, never thrown. */
export function decodeFanoutRecord(record: Pick<SQSRecord, 'messageId' | 'body' | 'messageAttributes'>): FanoutRecord {
  const attrs = record.messageAttributes ?? {};
  const eventId = attrs[FANOUT_ATTRIBUTES.eventId]?.stringValue;
  const idsText = attrs[FANOUT_ATTRIBUTES.connectionIds]?.stringValue;
  const invalid = (why: string): FanoutRecord => ({ messageId: record.messageId, batch: { invalid: why } });
  if (!eventId) return invalid(`attribute "${FANOUT_ATTRIBUTES.eventId}" is missing`);
  let connectionIds: unknown;
  try {
    connectionIds = JSON.parse(idsText ?? '');
  } catch {
    return invalid(`attribute "${FANOUT_ATTRIBUTES.connectionIds}" is not a JSON array`);
  }
  if (!Array.isArray(connectionIds) || !connectionIds.every((id) => typeof id === 'string' && id.length > 0)) {
    return invalid(`attribute "${FANOUT_ATTRIBUTES.connectionIds}" must be an array of connection ids`);
  }
  const base64 = attrs[FANOUT_ATTRIBUTES.encoding]?.stringValue === 'base64';
  const payload = base64 ? Buffer.from(record.body, 'base64') : Buffer.from(record.body, 'utf8');
  const redeliveries = Number(attrs[FANOUT_ATTRIBUTES.redeliveries]?.stringValue ?? 0);
  return {
    messageId: record.messageId,
    batch: { eventId, payload, connectionIds, redeliveries: Number.isInteger(redeliveries) ? redeliveries : 0 },
  };
}

/** Settings of {@link SqsFanoutQueue}. */
export interface SqsFanoutQueueOptions {
  readonly queueUrl: string;
  /** Attempts of the entries SQS did not accept (throttled, failed). @default 5 */
  readonly attempts?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The fan-out queue on SQS: batches go out with SendMessageBatch, up to 10 entries and 256 KB per call;
 * entries SQS rejects (`Failed`) are retried with jittered backoff, sender faults excepted.
 */
export class SqsFanoutQueue implements FanoutQueue {
  constructor(
    private readonly client: Pick<SQSClient, 'send'>,
    private readonly options: SqsFanoutQueueOptions,
  ) {}

  async enqueue(batches: readonly FanoutBatch[]): Promise<void> {
    const entries = batches.map((b, i) => encodeFanoutBatch(b, `b${i}`));
    const groups: SendMessageBatchRequestEntry[][] = [];
    let group: SendMessageBatchRequestEntry[] = [];
    let size = 0;
    for (const entry of entries) {
      const n = entrySize(entry);
      if (n > SQS_MAX_MESSAGE_BYTES) {
        throw new FanoutQueueError(
          `A fan-out message is ${n} bytes, over SQS's ${SQS_MAX_MESSAGE_BYTES}; lower fanoutBatchSize`,
        );
      }
      if (group.length === ENTRIES_PER_BATCH || (group.length > 0 && size + n > SQS_MAX_MESSAGE_BYTES - SIZE_MARGIN)) {
        groups.push(group);
        group = [];
        size = 0;
      }
      group.push(entry);
      size += n;
    }
    if (group.length) groups.push(group);
    await Promise.all(groups.map((g) => this.sendGroup(g)));
  }

  private async sendGroup(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    const sleep = this.options.sleep ?? realSleep;
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      let failed: { Id?: string; SenderFault?: boolean; Code?: string }[];
      try {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: pending }));
        failed = out.Failed ?? [];
      } catch (error) {
        if (attempt >= attempts) {
          const name = error instanceof Error ? error.name : 'Error';
          throw new FanoutQueueError(`Sending ${pending.length} fan-out message(s) failed (${name})`, { cause: error });
        }
        await sleep(fullJitterDelay(attempt, { baseDelayMs: 50, maxDelayMs: 1000 }));
        continue;
      }
      if (failed.length === 0) return;
      const sender = failed.find((f) => f.SenderFault);
      if (sender || attempt >= attempts) {
        throw new FanoutQueueError(
          `SQS did not accept ${failed.length} fan-out message(s) (${sender?.Code ?? failed[0]?.Code ?? 'unknown'})`,
        );
      }
      const retry = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => retry.has(e.Id));
      await sleep(fullJitterDelay(attempt, { baseDelayMs: 50, maxDelayMs: 1000 }));
    }
  }
}
