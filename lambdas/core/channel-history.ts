/** One stored channel message: its seq, the event it came from and the frame exactly as it was sent. */
export interface HistoryEntry {
  readonly seq: number;
  readonly eventId: string;
  /** The framed `{"type":"message",…,"seq":…}` JSON text. */
  readonly frame: string;
  /** Epoch milliseconds when it was stored. */
  readonly createdAt: number;
}

/** The channel's counter: the latest assigned seq (0 when none) and when it was assigned (epoch ms). */
export interface ChannelPosition {
  readonly last: number;
  readonly updatedAt: number;
}

/** Expiry times (epoch seconds) of what {@link ChannelHistory.store} writes. */
export interface HistoryTtls {
  /** Of the history item: past the replay window (DynamoDB deletes lazily; readers also filter by age). */
  readonly entry: number;
  /** Of the event id → seq item, so that a redelivered event keeps its seq. */
  readonly event: number;
}

/**
 * Per-channel sequence numbers and recent messages. Every read is a key lookup or a key-range `Query`.
 */
export interface ChannelHistory {
  /** The seq an event already got on the channel, when it is still remembered. */
  seqOf(channel: string, eventId: string): Promise<number | undefined>;
  /** Atomically takes the channel's next seq (1 for the first message); `now` is recorded with it. */
  nextSeq(channel: string, now: number): Promise<number>;
  /** Stores a message under its seq and remembers its event id. */
  store(channel: string, entry: HistoryEntry, ttls: HistoryTtls): Promise<void>;
  /** The channel's counter (`{ last: 0, updatedAt: 0 }` before its first message). */
  position(channel: string): Promise<ChannelPosition>;
  /** Up to `limit` stored entries with seq > `since`, in seq order (expired ones may be included). */
  after(channel: string, since: number, limit: number): Promise<HistoryEntry[]>;
}
