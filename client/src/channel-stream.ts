import type { GapMessage, PushMessage, ReplayMessage } from '../../shared/protocol';
import { RecentIds } from './recent-ids';

/** A message as the application receives it. */
export interface ChannelMessage {
  readonly channel: string;
  /** The event id (stable across redeliveries). */
  readonly id: string;
  /** The channel's sequence number; absent when the server does not number messages. */
  readonly seq?: number;
  readonly data: unknown;
  /** True when it came from a replay (sent while this client was away), false when it came live. */
  readonly replayed: boolean;
}

/** Seqs the server can no longer replay (past the replay window). */
export interface ChannelGap {
  readonly channel: string;
  readonly from: number;
  readonly to: number;
}

/** What a {@link ChannelStream} step asks its owner to do. */
export interface StreamStep {
  /** Messages to hand to the application, in order. */
  readonly deliver: ChannelMessage[];
  /** A gap to report. */
  readonly gap?: ChannelGap;
  /** Ask the server for what follows this seq now (`subscribe` with `since`). */
  readonly resyncSince?: number;
}

const NOTHING: StreamStep = { deliver: [] };

/**
 * Ordering and dedupe of one channel, without I/O or timers. `position` is the last seq handed to the
 * application (every seq up to it was delivered or reported as a gap). Messages are released strictly in
 * seq order: a message ahead of `position + 1` waits in a buffer until the hole is filled (live or by a
 * replay) or reported as a gap by the server; a seq at or below `position` is a duplicate and dropped; two
 * seqs of one event id (a rare concurrent redelivery) are delivered once.
 */
export class ChannelStream {
  /** Last seq delivered; undefined until the server said where the subscription starts. */
  position: number | undefined;
  /** Highest seq the server said was assigned (`last` of replay and gap frames). */
  private knownLast = 0;
  /** The server numbers nothing (its `subscribed` had no seq): deliver as received, dedupe by id. */
  private unsequenced = false;
  private readonly buffer = new Map<number, PushMessage & { replayed: boolean }>();
  private readonly ids: RecentIds;

  constructor(
    readonly channel: string,
    options: { position?: number; dedupeCapacity?: number } = {},
  ) {
    this.position = options.position;
    this.ids = new RecentIds(options.dedupeCapacity ?? 1000);
  }

  /** Whether a seq is known to be missing (waiting for it live, or for a replay). */
  hasHole(): boolean {
    return this.position !== undefined && (this.buffer.size > 0 || this.position < this.knownLast);
  }

  /** `subscribed`: a fresh subscription starts after `seq` (messages up to it are before it). */
  onSubscribed(seq: number | undefined): StreamStep {
    if (seq === undefined) {
      this.unsequenced = this.position === undefined;
      return this.position === undefined ? this.releaseUnsequenced() : NOTHING;
    }
    if (this.position !== undefined) return NOTHING;
    this.position = seq;
    this.knownLast = Math.max(this.knownLast, seq);
    return { deliver: this.drain() };
  }

  /** A message received live. */
  onMessage(message: PushMessage): StreamStep {
    return this.accept(message, false);
  }

  /** `replay`: the messages after our `since`, in order; `more` asks for the next page. */
  onReplay(frame: ReplayMessage): StreamStep {
    if (this.position === undefined) this.position = 0;
    if (frame.last < this.position) {
      // The channel's numbering restarted (e.g. a local cloud without persistence): follow it.
      this.position = frame.last;
      this.knownLast = frame.last;
      this.buffer.clear();
    }
    this.knownLast = Math.max(this.knownLast, frame.last);
    const deliver: ChannelMessage[] = [];
    for (const m of frame.messages) deliver.push(...this.accept(m, true).deliver);
    return { deliver, ...(frame.more ? { resyncSince: this.position } : {}) };
  }

  /** `gap`: `from`..`to` cannot be replayed; report it and continue after `to`. */
  onGap(frame: GapMessage): StreamStep {
    const from = Math.max(frame.from, (this.position ?? 0) + 1);
    this.knownLast = Math.max(this.knownLast, frame.last);
    if (this.position === undefined || frame.to > this.position) this.position = frame.to;
    const deliver = this.drain();
    return {
      deliver,
      ...(frame.to >= from ? { gap: { channel: this.channel, from, to: frame.to } } : {}),
      resyncSince: this.position,
    };
  }

  private accept(message: PushMessage, replayed: boolean): StreamStep {
    const seq = message.seq;
    if (seq === undefined || this.unsequenced) {
      return { deliver: this.ids.add(message.id) ? [this.toApp(message, replayed)] : [] };
    }
    if (this.position !== undefined && seq <= this.position) return NOTHING;
    if (!this.buffer.has(seq)) this.buffer.set(seq, { ...message, replayed });
    this.knownLast = Math.max(this.knownLast, seq);
    return this.position === undefined ? NOTHING : { deliver: this.drain() };
  }

  private drain(): ChannelMessage[] {
    const out: ChannelMessage[] = [];
    if (this.position === undefined) return out;
    for (const seq of this.buffer.keys()) if (seq <= this.position) this.buffer.delete(seq);
    for (let next = this.buffer.get(this.position + 1); next; next = this.buffer.get(this.position + 1)) {
      this.buffer.delete(this.position + 1);
      this.position += 1;
      if (this.ids.add(next.id)) out.push(this.toApp(next, next.replayed));
    }
    return out;
  }

  private releaseUnsequenced(): StreamStep {
    const held = [...this.buffer.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
    this.buffer.clear();
    return { deliver: held.filter((m) => this.ids.add(m.id)).map((m) => this.toApp(m, m.replayed)) };
  }

  private toApp(message: PushMessage, replayed: boolean): ChannelMessage {
    return {
      channel: this.channel,
      id: message.id,
      ...(message.seq !== undefined ? { seq: message.seq } : {}),
      data: message.data,
      replayed,
    };
  }
}
