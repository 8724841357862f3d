import type { PushMessage } from '../../shared/protocol';

/**
 * A `message` frame, serialized once. Its `data` (the bulk of it) is stringified a single time; numbering a
 * channel message inserts `"seq":n` into that text, between `id` and `data` (the protocol's field order),
 * so that sizing, numbering, the replay history and delivery all share one serialization.
 */
export class MessageFrame {
  /** The frame's JSON text, exactly as stored for replay and posted to connections. */
  public readonly text: string;
  /** UTF-8 size of the frame, in bytes. */
  public readonly byteLength: number;
  private encoded?: Uint8Array;

  private constructor(
    /** `{"type":"message",…,"id":"…"`: the text before `seq`. */
    private readonly head: string,
    /** `,"data":…}`: the text after `seq`. */
    private readonly tail: string,
    /** UTF-8 bytes of head and tail. */
    private readonly headTailBytes: number,
    seq: number | undefined,
  ) {
    const seqPart = seq === undefined ? '' : seqField(seq);
    this.text = head + seqPart + tail;
    this.byteLength = headTailBytes + seqPart.length;
  }

  /** Frames a message that has no `seq` yet: the same text as `JSON.stringify(message)`. */
  public static of(message: Omit<PushMessage, 'seq'>): MessageFrame {
    const { data, ...envelope } = message;
    const head = JSON.stringify(envelope).slice(0, -1);
    const json = JSON.stringify(data);
    // JSON.stringify leaves out a member whose value it cannot serialize; so does the frame.
    const tail = json === undefined ? '}' : `,"data":${json}}`;
    return new MessageFrame(head, tail, Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8'), undefined);
  }

  /** The same frame carrying `seq`; `data` is not serialized again. */
  public withSeq(seq: number): MessageFrame {
    return new MessageFrame(this.head, this.tail, this.headTailBytes, seq);
  }

  /** The size in bytes the frame would have with `seq`, without building it. */
  public byteLengthWithSeq(seq: number): number {
    return this.headTailBytes + seqField(seq).length;
  }

  /** The frame's UTF-8 bytes, posted as is to every connection; encoded once, on first use. */
  public get bytes(): Uint8Array {
    this.encoded ??= Buffer.from(this.text, 'utf8');
    return this.encoded;
  }
}

/** The `seq` member as it appears in the frame (ASCII: its length is its size in bytes). */
function seqField(seq: number): string {
  return `,"seq":${JSON.stringify(seq)}`;
}
