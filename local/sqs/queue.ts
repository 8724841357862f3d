import { randomBytes, randomUUID } from 'node:crypto';
import { md5OfMessageAttributes, md5OfMessageBody, type SqsMessageAttributeValue } from './md5';

/** A message stored in a queue. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Record<string, SqsMessageAttributeValue>;
  readonly sentTimestamp: number;
  readonly senderId: string;
  readonly systemAttributes: Record<string, string>;
  /** Epoch ms from which the message may be received. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Nonce of the latest receive; only the latest receipt handle may delete or change the message. */
  receiptNonce?: string;
  /** True while a receive made it invisible (in flight), false while delayed or visible. */
  inFlight: boolean;
}

/** Redrive policy of a source queue. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** What a receive hands out: the message and its fresh receipt nonce. */
export interface Delivery {
  readonly message: StoredMessage;
  readonly nonce: string;
}

/**
 * One standard queue's state: messages, their visibility, and the long pollers waiting for a change.
 * Time is passed in (epoch ms) so the owner controls the clock.
 */
export class SqsQueue {
  readonly messages: StoredMessage[] = [];
  /** Queue attributes as SQS reports them (strings), except the computed ones. */
  readonly attributes: Record<string, string>;
  redrivePolicy?: RedrivePolicy;
  lastPurgeAt = -Infinity;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly url: () => string,
    readonly arn: string,
    attributes: Record<string, string>,
    readonly createdAt: number,
    /** Told of every message added (the console's dead-letter arrivals). */
    private readonly onAdd?: (message: StoredMessage) => void,
  ) {
    this.attributes = attributes;
  }

  get visibilityTimeoutSeconds(): number {
    return Number(this.attributes.VisibilityTimeout);
  }

  /** Adds a message; returns it. */
  add(
    input: { body: string; attributes?: Record<string, SqsMessageAttributeValue>; delaySeconds?: number; systemAttributes?: Record<string, string> },
    now: number,
    senderId: string,
    preserved?: { messageId: string; sentTimestamp: number },
  ): StoredMessage {
    const delay = input.delaySeconds ?? Number(this.attributes.DelaySeconds ?? 0);
    const message: StoredMessage = {
      messageId: preserved?.messageId ?? randomUUID(),
      body: input.body,
      md5OfBody: md5OfMessageBody(input.body),
      attributes: input.attributes ?? {},
      sentTimestamp: preserved?.sentTimestamp ?? now,
      senderId,
      systemAttributes: input.systemAttributes ?? {},
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      inFlight: false,
    };
    this.messages.push(message);
    this.notify();
    this.onAdd?.(message);
    return message;
  }

  /** Drops messages older than the retention period. */
  expire(now: number): void {
    const retentionMs = Number(this.attributes.MessageRetentionPeriod) * 1000;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (now - this.messages[i].sentTimestamp >= retentionMs) this.messages.splice(i, 1);
    }
  }

  /** Visible messages in arrival order. */
  visible(now: number): StoredMessage[] {
    return this.messages.filter((m) => m.visibleAt <= now);
  }

  /** Marks a message received: invisible for `visibilitySeconds`, one more receive. */
  deliver(message: StoredMessage, now: number, visibilitySeconds: number): Delivery {
    message.receiveCount++;
    message.firstReceiveTimestamp ??= now;
    message.visibleAt = now + visibilitySeconds * 1000;
    message.inFlight = true;
    message.receiptNonce = randomBytes(12).toString('base64url');
    return { message, nonce: message.receiptNonce };
  }

  /** Removes a message (by identity). */
  remove(message: StoredMessage): void {
    const i = this.messages.indexOf(message);
    if (i >= 0) this.messages.splice(i, 1);
  }

  find(messageId: string): StoredMessage | undefined {
    return this.messages.find((m) => m.messageId === messageId);
  }

  /** `ApproximateNumberOfMessages`, `…NotVisible` and `…Delayed`. */
  counts(now: number): { visible: number; notVisible: number; delayed: number } {
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of this.messages) {
      if (m.visibleAt <= now) visible++;
      else if (m.inFlight) notVisible++;
      else delayed++;
    }
    return { visible, notVisible, delayed };
  }

  /** Wakes long pollers (a message was added or made visible). */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves when something may have changed: a `notify`, the next message becoming visible, or `deadline`
   * (epoch ms, on the real clock), whichever comes first.
   */
  waitForChange(deadline: number, now: () => number): Promise<void> {
    return new Promise((resolve) => {
      const t = now();
      const nextVisible = this.messages.reduce((min, m) => (m.visibleAt > t && m.visibleAt < min ? m.visibleAt : min), Infinity);
      const until = Math.min(deadline, nextVisible);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - t) + 1);
      this.waiters.add(done);
    });
  }
}
