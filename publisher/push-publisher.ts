import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { equalJitterDelay } from '../shared/backoff';
import { PushError } from '../shared/errors';
import { DEFAULT_EVENT_BUS_NAME, PUSH_DETAIL_TYPE, PUBLISHER_ENV, type PushDetail, type WebSocketMessageDetail } from '../shared/events';
import { validateDetail } from '../lambdas/core/validate-detail';

/**
 * EventBridge's PutEvents limits: at most 10 entries per call, and the entries' total size under 256 KB,
 * counted as the UTF-8 bytes of Source, DetailType, Detail and each Resources entry, plus 14 bytes for Time.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/**
 * Entry error codes of PutEvents that are worth another try; every other code is permanent.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
 */
const RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

/** EventBridge gives every event a UUID id; the framed message carries it, so its size counts. */
const EVENT_ID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

/** Stable codes of {@link PublishError}. */
export const PUBLISH_ERROR_CODES = {
  /** The detail would be refused by the push function (no audience, bad channel, no data, too large…). */
  InvalidDetail: 'InvalidDetail',
  /** PutEvents refused the entry, or kept failing it. */
  PutEventsFailed: 'PutEventsFailed',
  /** The publisher's options are wrong. */
  InvalidOptions: 'InvalidOptions',
} as const;
export type PublishErrorCode = (typeof PUBLISH_ERROR_CODES)[keyof typeof PUBLISH_ERROR_CODES];

/** A push that was not published; `message` says what is wrong and how to fix it. */
export class PublishError extends PushError {
  constructor(
    code: PublishErrorCode,
    message: string,
    /** For `InvalidDetail`, the push function's own code (e.g. `MessageTooLarge`); for `PutEventsFailed`, EventBridge's. */
    public readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The outcome of one detail of {@link PushPublisher.publishAll}, in the order given. */
export type PublishResult = { ok: true; eventId: string } | { ok: false; error: PublishError };

/** What {@link PushPublisher} needs of an EventBridge client (the SDK's `EventBridgeClient` fits). */
export interface PutEventsSender {
  send(command: PutEventsCommand): Promise<{ Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] }>;
}

/** Options of a {@link PushPublisher}. */
export interface PushPublisherOptions {
  /**
   * Name or ARN of the stack's event bus.
   * @default process.env.WEBSOCKET_PUSH_EVENT_BUS, else 'websocket-push'
   */
  readonly eventBusName?: string;
  /**
   * `source` of the events (any value but one starting with `aws.`, which AWS reserves).
   * @default 'websocket-push.publisher'
   */
  readonly source?: string;
  /**
   * The EventBridge client.
   * @default new EventBridgeClient({}) (region, credentials and AWS_ENDPOINT_URL from the environment)
   */
  readonly client?: PutEventsSender;
  /**
   * Tries per entry when EventBridge answers it with a throttling or internal failure.
   * @default 3
   */
  readonly maxAttempts?: number;
  /** Delay before retry `step` (from 0), in ms. @default equal jitter from 100 ms up to 2 s */
  readonly retryDelayMs?: (step: number) => number;
}

/**
 * Publishes pushes for the stack through EventBridge `PutEvents`: to a channel, a user, a connection or
 * everyone. Each detail is checked first as the push function will check it (one audience, names, `data`,
 * the 128 KB framed size), so a mistake is an error here and not an event in the dead-letter queue.
 * Many details go in batches of at most 10 entries and 256 KB; entries EventBridge throttles are retried.
 *
 * @example
 * const push = new PushPublisher();           // bus from WEBSOCKET_PUSH_EVENT_BUS
 * await push.toChannel('scores', { home: 2, away: 1 });
 */
export class PushPublisher {
  private readonly eventBusName: string;
  private readonly source: string;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: (step: number) => number;
  private client?: PutEventsSender;

  constructor(options: PushPublisherOptions = {}) {
    this.eventBusName = options.eventBusName ?? process.env[PUBLISHER_ENV.EVENT_BUS] ?? DEFAULT_EVENT_BUS_NAME;
    this.source = options.source ?? 'websocket-push.publisher';
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? ((step) => equalJitterDelay(step, 100, 2000));
    this.client = options.client;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new PublishError('InvalidOptions', `maxAttempts must be an integer of at least 1, got ${String(options.maxAttempts)}`);
    }
    if (this.source.length === 0 || this.source.length > 256 || this.source.startsWith('aws.')) {
      throw new PublishError('InvalidOptions', `source must be 1 to 256 characters not starting with "aws." (AWS reserves it), got ${JSON.stringify(this.source)}`);
    }
  }

  /** Every connection subscribed to `channel`. Resolves with the event id. */
  toChannel(channel: string, data: unknown): Promise<string> {
    return this.publish({ channel, data });
  }

  /** Every connection of the authenticated user `userId`. */
  toUser(userId: string, data: unknown): Promise<string> {
    return this.publish({ userId, data });
  }

  /** One connection. */
  toConnection(connectionId: string, data: unknown): Promise<string> {
    return this.publish({ connectionId, data });
  }

  /**
   * Answers a client's `WebSocketMessage`: a push to the connection that sent it, carrying its `requestId`
   * as `replyTo` (so the client's `request()` resolves with it). A message without a `requestId` gets a
   * plain push to its connection.
   *
   * @example
   * export const handler = async (event: { detail: WebSocketMessageDetail }) => {
   *   await push.reply(event.detail, { score: '2-1' });
   * };
   */
  reply(message: Pick<WebSocketMessageDetail, 'connectionId' | 'requestId'>, data: unknown): Promise<string> {
    return this.publish({
      connectionId: message.connectionId,
      ...(message.requestId !== undefined ? { replyTo: message.requestId } : {}),
      data,
    });
  }

  /** Every live connection. */
  toEveryone(data: unknown): Promise<string> {
    return this.publish({ broadcast: true, data });
  }

  /** Publishes one detail; resolves with its event id, or rejects with a {@link PublishError}. */
  async publish(detail: PushDetail): Promise<string> {
    const [result] = await this.publishAll([detail]);
    if (!result!.ok) throw result!.error;
    return result!.eventId;
  }

  /**
   * Publishes many details in as few PutEvents calls as the limits allow. Never rejects for one bad detail:
   * each gets its own result, in order; an invalid detail is not sent.
   */
  async publishAll(details: readonly PushDetail[]): Promise<PublishResult[]> {
    const results: (PublishResult | undefined)[] = new Array(details.length);
    const pending: { index: number; entry: PutEventsRequestEntry; size: number }[] = [];
    details.forEach((detail, index) => {
      const checked = checkDetail(detail);
      if (typeof checked !== 'string') results[index] = { ok: false, error: checked };
      else pending.push({ index, entry: this.entry(checked), size: entrySize(this.source, checked) });
    });
    for (const batch of batches(pending)) await this.send(batch, results);
    return results as PublishResult[];
  }

  private entry(detail: string): PutEventsRequestEntry {
    return { EventBusName: this.eventBusName, Source: this.source, DetailType: PUSH_DETAIL_TYPE, Detail: detail };
  }

  private async send(batch: { index: number; entry: PutEventsRequestEntry }[], results: (PublishResult | undefined)[]): Promise<void> {
    let left = batch;
    for (let attempt = 1; left.length > 0; attempt++) {
      const answer = await this.sender().send(new PutEventsCommand({ Entries: left.map((p) => p.entry) }));
      const retry: typeof left = [];
      left.forEach((p, i) => {
        const e = answer.Entries?.[i];
        if (e?.EventId && !e.ErrorCode) results[p.index] = { ok: true, eventId: e.EventId };
        else if (e?.ErrorCode && RETRYABLE_ENTRY_CODES.has(e.ErrorCode) && attempt < this.maxAttempts) retry.push(p);
        else results[p.index] = { ok: false, error: entryFailure(e, attempt) };
      });
      if (retry.length > 0) await new Promise((r) => setTimeout(r, this.retryDelayMs(attempt - 1)));
      left = retry;
    }
  }

  private sender(): PutEventsSender {
    this.client ??= new EventBridgeClient({});
    return this.client;
  }
}

/** The detail as the JSON to publish, or why the push function would refuse it. */
function checkDetail(detail: PushDetail): string | PublishError {
  const checked = validateDetail({ id: EVENT_ID_PLACEHOLDER, detail });
  if (!checked.ok) {
    return new PublishError('InvalidDetail', `Not published: ${checked.error.message}`, checked.error.code, { cause: checked.error });
  }
  return JSON.stringify(detail);
}

function entryFailure(entry: { ErrorCode?: string; ErrorMessage?: string } | undefined, attempts: number): PublishError {
  const code = entry?.ErrorCode ?? 'NoResultEntry';
  const message = entry?.ErrorMessage ?? 'PutEvents returned no result for the entry';
  return new PublishError('PutEventsFailed', `PutEvents failed the entry after ${attempts} attempt(s): ${code}: ${message}`, code);
}

/** Size of an entry as EventBridge counts it (no Time, no Resources). */
function entrySize(source: string, detail: string): number {
  return Buffer.byteLength(source) + Buffer.byteLength(PUSH_DETAIL_TYPE) + Buffer.byteLength(detail);
}

/** Splits entries, in order, into batches within PUT_EVENTS_MAX_ENTRIES and PUT_EVENTS_MAX_BYTES. */
export function batches<T extends { size: number }>(entries: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (current.length === PUT_EVENTS_MAX_ENTRIES || (current.length > 0 && bytes + e.size > PUT_EVENTS_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
