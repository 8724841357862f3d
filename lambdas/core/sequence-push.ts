import { EVENT_DEDUPE_TTL_SECONDS, MAX_MESSAGE_BYTES, REPLAY_ENVELOPE_BYTES } from '../../shared/limits';
import type { PushMessage } from '../../shared/protocol';
import type { ChannelHistory } from './channel-history';
import { INVALID_EVENT_CODES, InvalidEventError, type ValidationResult, type ValidPush } from './validate-detail';

/** What {@link withSeq} needs to number channel messages. */
export interface ChannelSequencer {
  readonly history: ChannelHistory;
  /** Seconds a message stays replayable. */
  readonly replayWindowSeconds: number;
  /** Injectable clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/** Largest framed channel message: it must still fit in a `replay` frame of one message. */
export const MAX_CHANNEL_MESSAGE_BYTES = MAX_MESSAGE_BYTES - REPLAY_ENVELOPE_BYTES;

/** A channel message with its seq (field order: type, channel, id, seq, data, as its frame has them). */
export function frameWithSeq(message: PushMessage, seq: number): PushMessage {
  return {
    type: 'message',
    channel: message.channel,
    id: message.id,
    ...(message.from ? { from: message.from } : {}),
    seq,
    data: message.data,
  };
}

/**
 * Gives a valid channel push its seq before any delivery or fan-out: the returned push's `message` and
 * `frame` carry `seq` (the frame built by validation, with `seq` inserted, not serialized again), and the
 * frame is stored for replay. Idempotent per event id: a redelivered event (EventBridge and Lambda are
 * at-least-once) gets the seq it got the first time. Other audiences, invalid results and a missing
 * sequencer pass through unchanged.
 *
 * A channel message too big to be replayed later (over {@link MAX_CHANNEL_MESSAGE_BYTES} once framed) is
 * rejected as `MessageTooLarge` before a seq is taken. Store errors propagate (the caller retries).
 */
export async function withSeq(result: ValidationResult, sequencer: ChannelSequencer | undefined): Promise<ValidationResult> {
  if (!result.ok || !sequencer || result.push.audience.kind !== 'channel') return result;
  const { push } = result;
  const channel = result.push.audience.channel;
  const largest = push.frame.byteLengthWithSeq(Number.MAX_SAFE_INTEGER);
  if (largest > MAX_CHANNEL_MESSAGE_BYTES) {
    return {
      ok: false,
      error: new InvalidEventError(
        INVALID_EVENT_CODES.MessageTooLarge,
        `The framed channel message is ${largest} bytes; a channel message may be at most ${MAX_CHANNEL_MESSAGE_BYTES} ` +
          'so that it can be replayed. Send a smaller "data" (e.g. a reference the client fetches)',
      ),
    };
  }
  const { history } = sequencer;
  const numbered = (seq: number): ValidPush => ({
    ...push,
    message: frameWithSeq(push.message, seq),
    frame: push.frame.withSeq(seq),
  });

  const known = await history.seqOf(channel, push.eventId);
  if (known !== undefined) return { ok: true, push: numbered(known) };
  const now = sequencer.now ?? Date.now;
  const seq = await history.nextSeq(channel, now());
  const createdAt = now();
  const next = numbered(seq);
  const seconds = Math.floor(createdAt / 1000);
  await history.store(
    channel,
    { seq, eventId: push.eventId, frame: next.frame.text, createdAt },
    // One extra minute: readers ignore entries older than the window anyway, TTL only cleans up.
    { entry: seconds + sequencer.replayWindowSeconds + 60, event: seconds + Math.max(EVENT_DEDUPE_TTL_SECONDS, sequencer.replayWindowSeconds) },
  );
  return { ok: true, push: next };
}
